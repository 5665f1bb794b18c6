using CdcPipeline.ServiceDefaults.Kafka;
using CdcPipeline.ServiceDefaults.Outages;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Registers Kafka producers and consumers from a connection name, in the shape of Aspire.Confluent.Kafka
/// (which is not available here): settings from configuration, validation, health check, tracing and metrics.
/// </summary>
public static class AspireKafkaExtensions
{
    /// <summary>
    /// Registers a singleton <see cref="IProducer{TKey,TValue}"/> that traces (<c>send {topic}</c> spans, W3C trace
    /// context in the message headers) and counts what it sends, plus a health check of its cluster.
    /// </summary>
    public static void AddKafkaProducer<TKey, TValue>(
        this IHostApplicationBuilder builder,
        string connectionName,
        Action<KafkaProducerSettings>? configureSettings = null,
        Action<IServiceProvider, ProducerBuilder<TKey, TValue>>? configureBuilder = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(connectionName);

        const string section = KafkaSettingsBinder.ProducerSection;
        var settings = new KafkaProducerSettings();
        KafkaSettingsBinder.Bind(
            builder.Configuration, section, connectionName, settings, settings.Config,
            s => s.ConnectionString, (s, value) => s.ConnectionString = value, configureSettings);
        KafkaSettingsBinder.ValidateConnection(settings.Config, connectionName, section, "producer");

        builder.Services.AddSingleton(settings);
        builder.Services.AddDependencyOutages();
        builder.Services.AddKafkaTelemetry();
        builder.Services.AddSingleton<IProducer<TKey, TValue>>(services =>
            BuildProducer(services, settings.Config, !settings.DisableTracing, !settings.DisableMetrics, connectionName, section, configureBuilder));

        if (!settings.DisableHealthChecks)
        {
            builder.AddKafkaHealthCheck($"kafka-producer-{connectionName}", settings.Config);
        }
    }

    /// <summary>
    /// Registers a singleton <see cref="IConsumer{TKey,TValue}"/> that counts what it consumes and reports consumer lag
    /// per partition from librdkafka statistics, plus a health check of its cluster. A consumer group is required.
    /// </summary>
    public static void AddKafkaConsumer<TKey, TValue>(
        this IHostApplicationBuilder builder,
        string connectionName,
        Action<KafkaConsumerSettings>? configureSettings = null,
        Action<IServiceProvider, ConsumerBuilder<TKey, TValue>>? configureBuilder = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(connectionName);

        const string section = KafkaSettingsBinder.ConsumerSection;
        var settings = new KafkaConsumerSettings();
        KafkaSettingsBinder.Bind(
            builder.Configuration, section, connectionName, settings, settings.Config,
            s => s.ConnectionString, (s, value) => s.ConnectionString = value, configureSettings);
        // Lag and the end of a broker's outage come from librdkafka's statistics: without an interval there would be none.
        settings.Config.StatisticsIntervalMs ??= KafkaConsumerSettings.DefaultStatisticsIntervalMs;
        settings.Config.FetchWaitMaxMs ??= KafkaConsumerSettings.DefaultFetchWaitMaxMs;

        KafkaSettingsBinder.ValidateConsumer(settings.Config, connectionName, section);

        builder.Services.AddSingleton(settings);
        builder.Services.AddDependencyOutages();
        builder.Services.AddKafkaTelemetry();
        builder.Services.AddSingleton<IConsumer<TKey, TValue>>(services =>
        {
            var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(KafkaLog.Category);
            var consumerBuilder = new InstrumentedConsumerBuilder<TKey, TValue>(
                settings, services.GetRequiredService<DependencyOutages>(), logger, services.GetRequiredService<KafkaTelemetry>());
            configureBuilder?.Invoke(services, consumerBuilder);
            try
            {
                return consumerBuilder.Build();
            }
            catch (Exception e) when (e is ArgumentException or KafkaException or InvalidOperationException or InvalidCastException or FormatException)
            {
                throw KafkaSettingsBinder.InvalidConfig("consumer", connectionName, section, e);
            }
        });

        if (!settings.DisableHealthChecks)
        {
            builder.AddKafkaHealthCheck($"kafka-consumer-{connectionName}", settings.Config);
        }
    }

    internal static IProducer<TKey, TValue> BuildProducer<TKey, TValue>(
        IServiceProvider services,
        ProducerConfig config,
        bool tracing,
        bool metrics,
        string connectionName,
        string section,
        Action<IServiceProvider, ProducerBuilder<TKey, TValue>>? configureBuilder)
    {
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(KafkaLog.Category);
        var producerBuilder = new InstrumentedProducerBuilder<TKey, TValue>(
            config, tracing, metrics ? services.GetRequiredService<KafkaTelemetry>() : null, services.GetRequiredService<DependencyOutages>(), logger);
        configureBuilder?.Invoke(services, producerBuilder);
        try
        {
            return producerBuilder.Build();
        }
        catch (Exception e) when (e is ArgumentException or KafkaException or InvalidOperationException or InvalidCastException or FormatException)
        {
            throw KafkaSettingsBinder.InvalidConfig("producer", connectionName, section, e);
        }
    }

    /// <summary>The one <see cref="KafkaTelemetry"/> of the host, its meter from the host's <see cref="System.Diagnostics.Metrics.IMeterFactory"/>.</summary>
    internal static void AddKafkaTelemetry(this IServiceCollection services)
    {
        services.AddMetrics();
        services.TryAddSingleton<KafkaTelemetry>();
    }

    /// <summary>One health check per name: a second client on the same connection shares the first one's check.</summary>
    internal static void AddKafkaHealthCheck(this IHostApplicationBuilder builder, string name, ClientConfig config)
    {
        if (builder.Services.Any(d => d.IsKeyedService && Equals(d.ServiceKey, name) && d.ServiceType == typeof(KafkaHealthCheck)))
        {
            return;
        }

        var snapshot = config.ToArray();
        builder.Services.AddKeyedSingleton(name, (_, _) => new KafkaHealthCheck(snapshot));
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            name,
            services => services.GetRequiredKeyedService<KafkaHealthCheck>(name),
            failureStatus: HealthStatus.Unhealthy,
            tags: ["kafka"]));
    }
}
