using CdcPipeline.ServiceDefaults.Kafka;
using Confluent.Kafka;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Registers Kafka producers and consumers from a connection name, in the shape of Aspire.Confluent.Kafka
/// (which is not available here): settings from configuration, validation, health check and tracing.
/// </summary>
public static class AspireKafkaExtensions
{
    public static void AddKafkaProducer<TKey, TValue>(
        this IHostApplicationBuilder builder,
        string connectionName,
        Action<KafkaProducerSettings>? configureSettings = null,
        Action<IServiceProvider, ProducerBuilder<TKey, TValue>>? configureBuilder = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(connectionName);

        var section = builder.Configuration.GetSection(KafkaSettingsBinder.ProducerSection);
        var settings = new KafkaProducerSettings();
        section.Bind(settings);
        KafkaSettingsBinder.BindClientConfig(section, settings.Config);
        if (builder.Configuration.GetConnectionString(connectionName) is { } connectionString)
        {
            settings.ConnectionString = connectionString;
        }

        configureSettings?.Invoke(settings);
        KafkaSettingsBinder.ApplyConnectionString(settings.ConnectionString, settings.Config);
        KafkaSettingsBinder.Validate(settings.Config, connectionName, KafkaSettingsBinder.ProducerSection);

        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton<IProducer<TKey, TValue>>(services =>
        {
            var producerBuilder = new ProducerBuilder<TKey, TValue>(settings.Config);
            configureBuilder?.Invoke(services, producerBuilder);
            return producerBuilder.Build();
        });
    }

    public static void AddKafkaConsumer<TKey, TValue>(
        this IHostApplicationBuilder builder,
        string connectionName,
        Action<KafkaConsumerSettings>? configureSettings = null,
        Action<IServiceProvider, ConsumerBuilder<TKey, TValue>>? configureBuilder = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(connectionName);

        var section = builder.Configuration.GetSection(KafkaSettingsBinder.ConsumerSection);
        var settings = new KafkaConsumerSettings();
        section.Bind(settings);
        KafkaSettingsBinder.BindClientConfig(section, settings.Config);
        if (builder.Configuration.GetConnectionString(connectionName) is { } connectionString)
        {
            settings.ConnectionString = connectionString;
        }

        configureSettings?.Invoke(settings);
        KafkaSettingsBinder.ApplyConnectionString(settings.ConnectionString, settings.Config);
        KafkaSettingsBinder.Validate(settings.Config, connectionName, KafkaSettingsBinder.ConsumerSection);

        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton<IConsumer<TKey, TValue>>(services =>
        {
            var consumerBuilder = new ConsumerBuilder<TKey, TValue>(settings.Config);
            configureBuilder?.Invoke(services, consumerBuilder);
            return consumerBuilder.Build();
        });
    }
}
