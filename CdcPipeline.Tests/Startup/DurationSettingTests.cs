using System.Reflection;
using CdcPipeline.Capture.Options;
using CdcPipeline.CassandraSink;
using CdcPipeline.CassandraSink.Options;
using CdcPipeline.Consumer.Options;
using CdcPipeline.Producer.Options;
using CdcPipeline.ServiceDefaults.Cassandra;
using CdcPipeline.ServiceDefaults.Settings;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CdcPipeline.Tests.Startup;

/// <summary>Every duration setting of every service, read the one shared way: hh:mm:ss, never a bare number of days.</summary>
public sealed class DurationSettingTests
{
    public static TheoryData<Type, string, string> DurationSettings()
    {
        var settings = new TheoryData<Type, string, string>();
        foreach (var (type, section) in new[]
        {
            (typeof(ProducerOptions), ProducerOptions.SectionName),
            (typeof(ConsumerOptions), ConsumerOptions.SectionName),
            (typeof(CaptureOptions), CaptureOptions.SectionName),
            (typeof(SinkOptions), SinkOptions.Section),
        })
        {
            foreach (var property in type.GetProperties().Where(p => (Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType) == typeof(TimeSpan)))
            {
                settings.Add(type, section, property.Name);
            }
        }

        return settings;
    }

    [Theory]
    [MemberData(nameof(DurationSettings))]
    public void A_bare_number_is_refused_with_the_form_to_use(Type options, string section, string property)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Bind(options, section, property, "10"));

        Assert.Equal($"{section}:{property}=10 is not valid: use hh:mm:ss, e.g. 00:00:10 (a bare number would be read as days).", Assert.Single(error.Failures));
    }

    [Theory]
    [MemberData(nameof(DurationSettings))]
    public void A_duration_in_hh_mm_ss_is_read_as_written(Type options, string section, string property)
    {
        var bound = Bind(options, section, property, "00:00:10");

        var value = options.GetProperty(property)!.GetValue(bound);
        Assert.Equal(TimeSpan.FromSeconds(10), value);
    }

    [Theory]
    [InlineData("0", true)]
    [InlineData("00:00:00.250", true)]
    [InlineData("1.00:00:00", true)]
    [InlineData("10", false)]
    [InlineData("-5", false)]
    [InlineData("10s", false)]
    [InlineData("", false)]
    public void Only_hh_mm_ss_forms_and_zero_are_durations(string text, bool accepted) =>
        Assert.Equal(accepted, DurationSetting.TryParse(text, out _));

    [Fact]
    public void The_Cassandra_clients_timeouts_follow_the_same_rule()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:cassandra"] = "Contact Points=127.0.0.1;Port=9042",
            [$"{CassandraClientSettings.ConfigurationSection}:ConnectTimeout"] = "5",
        });

        var error = Assert.Throws<InvalidSettingException>(() => builder.AddCassandraSession("cassandra"));

        Assert.Equal("Aspire:Cassandra:Client:ConnectTimeout=5 is not valid: use hh:mm:ss, e.g. 00:00:10 (a bare number would be read as days).", error.Message);
    }

    private static object Bind(Type options, string section, string property, string value)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [$"{section}:{property}"] = value })
            .Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        var bind = typeof(DurationSettingTests).GetMethod(nameof(BindTyped), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(options);
        return bind.Invoke(null, BindingFlags.DoNotWrapExceptions, null, [services, section], null)!;
    }

    private static object BindTyped<TOptions>(ServiceCollection services, string section)
        where TOptions : class
    {
        services.AddOptions<TOptions>().BindSettings(section);
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<TOptions>>().Value;
    }
}
