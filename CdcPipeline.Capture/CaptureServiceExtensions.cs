using CdcPipeline.Capture.Heartbeats;
using CdcPipeline.Capture.Hosting;
using CdcPipeline.Capture.Offsets;
using CdcPipeline.Capture.Options;
using CdcPipeline.Capture.Postgres;
using CdcPipeline.Capture.Publishing;
using CdcPipeline.Capture.Schema;
using CdcPipeline.Capture.Snapshot;
using CdcPipeline.Capture.Streaming;
using CdcPipeline.Capture.Telemetry;
using CdcPipeline.ServiceDefaults.Kafka;
using CdcPipeline.ServiceDefaults.Postgres;
using CdcPipeline.ServiceDefaults.Settings;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CdcPipeline.Capture;

internal static class CaptureServiceExtensions
{
    /// <summary>The Kafka connection (<c>ConnectionStrings:kafka</c>).</summary>
    public const string KafkaConnectionName = "kafka";

    /// <summary>
    /// Everything the capture runs on: its settings (section <c>Capture</c>, validated on start), PostgreSQL
    /// (<c>ConnectionStrings:cdcdb</c>: the Aspire data source, and replication connections from the same connection
    /// string), the Kafka producer and the offsets reader (<c>ConnectionStrings:kafka</c>), the worker and the health
    /// checks <c>capture</c> and <c>schema</c> (the tables and the publication it captures exist).
    /// </summary>
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<CaptureOptions>().BindSettings(CaptureOptions.SectionName);
        services.AddSingleton<IValidateOptions<CaptureOptions>, CaptureOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);

        if (PostgresConnectionString.Validate(builder.Configuration, PostgresConnections.ConnectionName).Database is null)
        {
            throw new InvalidSettingException(
                $"ConnectionStrings:{PostgresConnections.ConnectionName} is not valid (it names no database): {PostgresConnectionString.ExpectedForm}.");
        }

        builder.AddNpgsqlDataSource(PostgresConnections.ConnectionName);
        builder.AddKafkaProducer<byte[]?, byte[]?>(
            KafkaConnectionName,
            ConfigureDebeziumDelivery,
            (provider, producer) => producer.SetErrorHandler((_, error) =>
            {
                if (error.IsFatal)
                {
                    provider.GetRequiredService<CaptureWorker>().FatalKafkaError($"{error.Code} {error.Reason}");
                }
            }));
        builder.AddKafkaConsumer<byte[]?, byte[]?>(KafkaConnectionName, settings =>
        {
            // Only reads the offsets topic by assignment: no group membership, no commits, no lag of its own.
            settings.Config.GroupId ??= "cdc-capture";
            settings.Config.EnableAutoCommit = false;
            settings.DisableHealthChecks = true;
            settings.DisableMetrics = true;
        });

        services.AddSingleton<ReplicationProgress>();
        services.AddSingleton<CaptureTelemetry>();
        services.AddSingleton<CaptureHealth>();
        services.AddSingleton<InterruptionReport>();
        services.AddSingleton<KafkaClients>();
        services.AddSingleton<PostgresConnections>();
        services.AddSingleton<ReplicationSlots>();
        services.AddSingleton<CatalogReader>();
        services.AddSingleton<OffsetStore>();
        services.AddSingleton<TopicProvisioner>();
        services.AddSingleton<HeartbeatEmitter>();
        services.AddSingleton<KafkaStallMonitor>();
        services.AddSingleton<InitialSnapshot>();
        services.AddSingleton<CaptureStarter>();
        services.AddSingleton<ChangeStreamer>();
        services.AddSingleton<CaptureSession>();
        services.AddSingleton<CaptureWorker>();
        services.AddHostedService(provider => provider.GetRequiredService<CaptureWorker>());
        services.AddHealthChecks()
            .AddCheck<CaptureHealth>("capture")
            .AddPipelineSchemaCheck(provider =>
            {
                var options = provider.GetRequiredService<IOptions<CaptureOptions>>().Value;
                return new PipelineSchema([.. options.TableIds.Select(table => table.ToString())], options.PublicationName);
            });
        return builder;
    }

    /// <summary>
    /// Debezium's records through Kafka Connect's producer guarantees, plus idempotence: acks=all and idempotence
    /// always; Kafka Java's partitioner (murmur2 of the exact key bytes) always, so a key lands on the partition
    /// Debezium would choose; no delivery timeout by default (Connect's delivery.timeout.ms is Integer.MAX_VALUE), so
    /// a Kafka outage pauses the capture instead of failing records.
    /// </summary>
    private static void ConfigureDebeziumDelivery(KafkaProducerSettings settings)
    {
        var config = settings.Config;
        config.EnableIdempotence = true;
        config.Acks = Acks.All;
        config.Set("partitioner", "murmur2_random");
        if (config.Get("message.timeout.ms") is null && config.Get("delivery.timeout.ms") is null)
        {
            config.MessageTimeoutMs = 0;
        }

        config.LingerMs ??= 5;
        config.ClientId ??= "cdc-capture";
        // Delivery reports are read for their status only: no key, value or headers copied back per record.
        if (config.Get("dotnet.producer.delivery.report.fields") is null)
        {
            config.Set("dotnet.producer.delivery.report.fields", "status");
        }
    }
}
