using CdcPipeline.Producer.Delivery;
using CdcPipeline.Producer.Hosting;
using CdcPipeline.Producer.Options;
using CdcPipeline.Producer.Telemetry;
using CdcPipeline.Producer.Topics;
using CdcPipeline.ServiceDefaults.Kafka;
using CdcPipeline.ServiceDefaults.Settings;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CdcPipeline.Producer;

internal static class ProducerServiceExtensions
{
    /// <summary>The Kafka connection (<c>ConnectionStrings:kafka</c>) the Producer sends through.</summary>
    public const string KafkaConnectionName = "kafka";

    /// <summary>Java's default delivery timeout: librdkafka retries transient errors until it runs out.</summary>
    private const int DefaultDeliveryTimeoutMs = 120_000;

    private static readonly TimeSpan ShutdownMargin = TimeSpan.FromSeconds(15);

    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ProducerOptions>()
            .BindSettings(ProducerOptions.SectionName);
        builder.Services.AddSingleton<IValidateOptions<ProducerOptions>, ProducerOptionsValidator>();

        // The host waits for the final flush when it stops. Only FlushTimeout is read, by hand: binding the whole
        // section here would throw on any malformed Producer setting; an unreadable value keeps the default here
        // and is reported by name when the Producer options are bound.
        builder.Services.AddOptions<HostOptions>().Configure<IConfiguration>((host, configuration) =>
        {
            var flush = DurationSetting.TryParse(configuration[$"{ProducerOptions.SectionName}:FlushTimeout"], out var configured)
                ? configured
                : new ProducerOptions().FlushTimeout;
            host.ShutdownTimeout = flush > TimeSpan.Zero ? flush + ShutdownMargin : host.ShutdownTimeout;
        });

        builder.Services.AddSingleton<ProducerClientErrors>();
        builder.AddKafkaProducer<string, byte[]>(
            KafkaConnectionName,
            ConfigureReliableDelivery,
            (services, producer) =>
            {
                var errors = services.GetRequiredService<ProducerClientErrors>();
                producer.SetErrorHandler((_, error) => errors.Report(error));
            });

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ProducerTelemetry>();
        builder.Services.AddSingleton<ProducerRunOutcome>();
        builder.Services.AddSingleton<TopicProvisioner>();
        builder.Services.AddSingleton<EventSender>();
        builder.Services.AddSingleton<ProgressReporter>();
        builder.Services.AddHostedService<ProducerWorker>();
        return builder;
    }

    /// <summary>
    /// Idempotence and acknowledgement by all in-sync replicas are not negotiable (the original sent with acks=0);
    /// the delivery timeout and partitioner are defaults that <c>Aspire:Confluent:Kafka:Producer:Config</c> may change.
    /// </summary>
    private static void ConfigureReliableDelivery(KafkaProducerSettings settings)
    {
        // cdc.producer.events.sent / delivery.failures count these deliveries with their cdc.event.type, which the
        // integration's cdc.kafka.messages.produced / produce.failures cannot carry: those would count them twice.
        settings.DisableMetrics = true;
        var config = settings.Config;
        config.EnableIdempotence = true;
        config.Acks = Acks.All;
        if (config.Get("message.timeout.ms") is null && config.Get("delivery.timeout.ms") is null)
        {
            config.MessageTimeoutMs = DefaultDeliveryTimeoutMs;
        }

        // FNV-1a is the hash of the Go original's partitioner (kafka-go Hash, Sarama compatible): same key, same partition.
        if (config.Get("partitioner") is null)
        {
            config.Set("partitioner", "fnv1a_random");
        }

        config.ClientId ??= "cdc-producer";
    }
}
