using CdcPipeline.ServiceDefaults.Kafka;
using CdcPipeline.ServiceDefaults.Settings;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CdcPipeline.Tests.Kafka;

public sealed class KafkaSettingsTests
{
    private static KeyValuePair<string, string?> Setting(string key, string? value) => new(key, value);

    [Fact]
    public void Producer_settings_come_from_section_then_connection_string_then_delegate()
    {
        var builder = KafkaTestHost.CreateBuilder(
        [
            Setting("Aspire:Confluent:Kafka:Producer:Config:bootstrap.servers", "section-host:9092"),
            Setting("Aspire:Confluent:Kafka:Producer:Config:linger.ms", "7"),
            Setting("Aspire:Confluent:Kafka:Producer:Config:acks", "all"),
            Setting("Aspire:Confluent:Kafka:Producer:DisableTracing", "true"),
            Setting("ConnectionStrings:kafka", "broker-1:9092,broker-2:9092"),
        ]);
        builder.AddKafkaProducer<string, string>("kafka", settings => settings.Config.LingerMs = 9);
        using var host = builder.Build();

        var settings = host.Services.GetRequiredService<KafkaProducerSettings>();

        Assert.Equal("broker-1:9092,broker-2:9092", settings.ConnectionString);
        Assert.Equal("broker-1:9092,broker-2:9092", settings.Config.BootstrapServers);
        Assert.Equal(9, settings.Config.LingerMs);
        Assert.Equal(Acks.All, settings.Config.Acks);
        Assert.True(settings.DisableTracing);
    }

    [Fact]
    public void Delegate_connection_string_wins_over_configuration()
    {
        var builder = KafkaTestHost.CreateBuilder("from-config:9092");
        builder.AddKafkaConsumer<string, byte[]>("kafka", settings =>
        {
            settings.ConnectionString = "from-delegate:9092";
            settings.Config.GroupId = "g";
        });
        using var host = builder.Build();

        var settings = host.Services.GetRequiredService<KafkaConsumerSettings>();

        Assert.Equal("from-delegate:9092", settings.Config.BootstrapServers);
    }

    [Fact]
    public void Section_bootstrap_servers_are_used_without_a_connection_string()
    {
        var builder = KafkaTestHost.CreateBuilder(
        [
            Setting("Aspire:Confluent:Kafka:Consumer:Config:bootstrap.servers", "only-section:9092"),
            Setting("Aspire:Confluent:Kafka:Consumer:Config:group.id", "from-config"),
            Setting("Aspire:Confluent:Kafka:Consumer:Config:statistics.interval.ms", "250"),
        ]);
        builder.AddKafkaConsumer<string, byte[]>("kafka");
        using var host = builder.Build();

        var settings = host.Services.GetRequiredService<KafkaConsumerSettings>();

        Assert.Equal("only-section:9092", settings.ConnectionString);
        Assert.Equal("from-config", settings.Config.GroupId);
        Assert.Equal(250, settings.Config.StatisticsIntervalMs);
    }

    [Fact]
    public void Consumer_gets_a_statistics_interval_for_the_lag_gauge_and_broker_recoveries_even_with_metrics_off()
    {
        var off = KafkaTestHost.CreateBuilder("broker:9092");
        off.AddKafkaConsumer<string, byte[]>("kafka", s => (s.Config.GroupId, s.DisableMetrics) = ("g", true));
        using var hostWithoutMetrics = off.Build();

        Assert.Equal(KafkaConsumerSettings.DefaultStatisticsIntervalMs, hostWithoutMetrics.Services.GetRequiredService<KafkaConsumerSettings>().Config.StatisticsIntervalMs);
    }

    [Fact]
    public void Consumer_fetch_wait_defaults_to_a_short_one_unless_configured()
    {
        var unset = KafkaTestHost.CreateBuilder("broker:9092");
        unset.AddKafkaConsumer<string, byte[]>("kafka", s => s.Config.GroupId = "g");
        using var defaulted = unset.Build();
        var set = KafkaTestHost.CreateBuilder("broker:9092");
        set.AddKafkaConsumer<string, byte[]>("kafka", s => (s.Config.GroupId, s.Config.FetchWaitMaxMs) = ("g", 500));
        using var configured = set.Build();

        Assert.Equal(KafkaConsumerSettings.DefaultFetchWaitMaxMs, defaulted.Services.GetRequiredService<KafkaConsumerSettings>().Config.FetchWaitMaxMs);
        Assert.Equal(500, configured.Services.GetRequiredService<KafkaConsumerSettings>().Config.FetchWaitMaxMs);
    }

    [Fact]
    public void Missing_connection_string_names_the_setting_to_set()
    {
        var builder = KafkaTestHost.CreateBuilder([]);

        var error = Assert.Throws<InvalidSettingException>(() => builder.AddKafkaProducer<string, string>("kafka"));

        Assert.Contains("'ConnectionStrings:kafka'", error.Message, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings__kafka", error.Message, StringComparison.Ordinal);
        Assert.Contains("'Aspire:Confluent:Kafka:Producer:Config:bootstrap.servers'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Consumer_without_group_names_the_setting_to_set()
    {
        var builder = KafkaTestHost.CreateBuilder("broker:9092");

        var error = Assert.Throws<InvalidSettingException>(() => builder.AddKafkaConsumer<string, string>("kafka"));

        Assert.Contains("no consumer group", error.Message, StringComparison.Ordinal);
        Assert.Contains("'Aspire:Confluent:Kafka:Consumer:Config:group.id'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("broker:port")]
    [InlineData("broker:9092,,other:9092")]
    [InlineData("broker:70000")]
    public void Malformed_bootstrap_servers_are_named_in_the_error(string connectionString)
    {
        var builder = KafkaTestHost.CreateBuilder(connectionString);

        var error = Assert.Throws<InvalidSettingException>(() => builder.AddKafkaDeadLetterPublisher("kafka"));

        Assert.Contains($"'{connectionString}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("host:port", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_librdkafka_property_fails_resolution_naming_the_section_and_the_property()
    {
        var builder = KafkaTestHost.CreateBuilder(
            "broker:9092", Setting("Aspire:Confluent:Kafka:Producer:Config:no.such.property", "1"));
        builder.AddKafkaProducer<string, string>("kafka");
        using var host = builder.Build();

        var error = Assert.Throws<InvalidSettingException>(() => host.Services.GetRequiredService<IProducer<string, string>>());

        Assert.Contains("'Aspire:Confluent:Kafka:Producer:Config'", error.Message, StringComparison.Ordinal);
        Assert.Contains("no.such.property", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Producer_without_delivery_reports_is_refused_naming_the_setting()
    {
        var builder = KafkaTestHost.CreateBuilder(
            "broker:9092", Setting("Aspire:Confluent:Kafka:Producer:Config:dotnet.producer.enable.delivery.reports", "false"));
        builder.AddKafkaProducer<string, string>("kafka");
        using var host = builder.Build();

        var error = Assert.Throws<InvalidSettingException>(() => host.Services.GetRequiredService<IProducer<string, string>>());

        Assert.Contains("'dotnet.producer.enable.delivery.reports' is false", error.Message, StringComparison.Ordinal);
        Assert.Contains("'Aspire:Confluent:Kafka:Producer:Config'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dead_letter_producer_is_always_idempotent_with_acks_all()
    {
        var builder = KafkaTestHost.CreateBuilder(
            "broker:9092", Setting("Aspire:Confluent:Kafka:DeadLetter:Config:acks", "1"));
        builder.AddKafkaDeadLetterPublisher("kafka", s => s.Config.EnableIdempotence = false);
        using var host = builder.Build();

        var settings = host.Services.GetRequiredService<KafkaDeadLetterSettings>();

        Assert.Equal(Acks.All, settings.Config.Acks);
        Assert.True(settings.Config.EnableIdempotence);
        Assert.Equal(".dlq", settings.TopicSuffix);
    }
}
