using CdcPipeline.ServiceDefaults.Kafka;
using CdcPipeline.ServiceDefaults.Settings;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.Hosting;

/// <summary>Registers the dead-letter publisher shared by the services that consume Kafka.</summary>
public static class AspireKafkaDeadLetterExtensions
{
    /// <summary>
    /// Registers a singleton <see cref="KafkaDeadLetterPublisher"/> with its own idempotent, acks=all producer, and a
    /// health check of its cluster.
    /// </summary>
    public static void AddKafkaDeadLetterPublisher(
        this IHostApplicationBuilder builder,
        string connectionName,
        Action<KafkaDeadLetterSettings>? configureSettings = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(connectionName);

        const string section = KafkaSettingsBinder.DeadLetterSection;
        var settings = new KafkaDeadLetterSettings();
        KafkaSettingsBinder.Bind(
            builder.Configuration, section, connectionName, settings, settings.Config,
            s => s.ConnectionString, (s, value) => s.ConnectionString = value, configureSettings);
        // A dead letter is the only copy of an event whose offset is about to be committed.
        settings.Config.EnableIdempotence = true;
        settings.Config.Acks = Acks.All;
        if (settings.Config.Get("message.timeout.ms") is null && settings.Config.Get("delivery.timeout.ms") is null)
        {
            // librdkafka's 300 s default would hold the consumer's partition that long for one unreachable dead letter.
            settings.Config.MessageTimeoutMs = KafkaDeadLetterSettings.DefaultMessageTimeoutMs;
        }

        KafkaSettingsBinder.ValidateConnection(settings.Config, connectionName, section, "dead-letter publisher");
        if (string.IsNullOrWhiteSpace(settings.TopicSuffix))
        {
            throw new InvalidSettingException(
                $"Kafka dead-letter publisher '{connectionName}' has an empty '{section}:TopicSuffix': dead letters " +
                "would go back to the topic they came from.");
        }

        builder.Services.AddSingleton(settings);
        builder.Services.AddDependencyOutages();
        builder.Services.AddKafkaTelemetry();
        builder.Services.AddSingleton(services => new KafkaDeadLetterPublisher(
            AspireKafkaExtensions.BuildProducer<byte[]?, byte[]?>(
                services, settings.Config, !settings.DisableTracing, !settings.DisableMetrics, connectionName, section, null),
            settings.TopicSuffix,
            builder.Environment.ApplicationName,
            services.GetRequiredService<KafkaTelemetry>(),
            services.GetRequiredService<ILoggerFactory>().CreateLogger(KafkaLog.Category)));

        if (!settings.DisableHealthChecks)
        {
            builder.AddKafkaHealthCheck($"kafka-dead-letter-{connectionName}", settings.Config);
        }
    }
}
