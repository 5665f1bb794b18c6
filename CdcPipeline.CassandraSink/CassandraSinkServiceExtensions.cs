using CdcPipeline.CassandraSink.Consuming;
using CdcPipeline.CassandraSink.Decoding;
using CdcPipeline.CassandraSink.Options;
using CdcPipeline.CassandraSink.Schema;
using CdcPipeline.CassandraSink.Telemetry;
using CdcPipeline.CassandraSink.Writing;
using CdcPipeline.ServiceDefaults.Cassandra;
using CdcPipeline.ServiceDefaults.Kafka;
using Confluent.Kafka;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace CdcPipeline.CassandraSink;

internal static class CassandraSinkServiceExtensions
{
    /// <summary>
    /// The sink: a Kafka consumer of the change topics (connection <c>kafka</c>), the dead-letter publisher, a CQL
    /// session (connection <c>cassandra</c>), and the worker that applies changes.
    /// </summary>
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.Services.AddSingleton<IValidateOptions<SinkOptions>, SinkOptionsValidator>();
        builder.Services.AddOptions<SinkOptions>().BindSettings(SinkOptions.Section);
        // Only the group is read here, by hand: a wrong value elsewhere in the section is refused, by name, when the
        // options are bound.
        var group = builder.Configuration[$"{SinkOptions.Section}:{nameof(SinkOptions.ConsumerGroup)}"] is { Length: > 0 } configured
            ? configured
            : new SinkOptions().ConsumerGroup;

        builder.AddKafkaConsumer<byte[]?, byte[]?>("kafka", settings =>
        {
            settings.Config.GroupId = group;
            settings.Config.EnableAutoOffsetStore = false;
            settings.Config.AutoOffsetReset ??= AutoOffsetReset.Earliest;
            // Debezium creates the change topics when their first change arrives: look for them often.
            settings.Config.TopicMetadataRefreshIntervalMs ??= 5000;
            // Prefetch at most 16 MiB (librdkafka's default is 64 MiB): still dozens of batches ahead, and the sink's
            // memory stays bounded while it catches up on a backlog.
            settings.Config.QueuedMaxMessagesKbytes ??= 16 * 1024;
        }, (services, consumer) =>
        {
            // The callbacks run inside Consume, on the worker's thread.
            var ownership = services.GetRequiredService<PartitionOwnership>();
            consumer.SetPartitionsAssignedHandler((_, _) => ownership.Assigned());
            consumer.SetPartitionsRevokedHandler((_, partitions) => ownership.Revoked(partitions.Select(p => p.TopicPartition)));
            consumer.SetPartitionsLostHandler((_, partitions) => ownership.Revoked(partitions.Select(p => p.TopicPartition)));
        });
        builder.AddKafkaDeadLetterPublisher("kafka");
        builder.AddCassandraSession("cassandra");

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddDependencyOutages();
        builder.Services.AddSingleton(services => SinkDependencies.From(
            services.GetRequiredService<CassandraClientSettings>(), services.GetRequiredService<KafkaDeadLetterSettings>()));
        builder.Services.AddSingleton(services => new SinkStatements(services.GetRequiredService<IOptions<SinkOptions>>().Value.Keyspace));
        builder.Services.AddSingleton<DebeziumDecoder>();
        builder.Services.AddSingleton<WritePlanner>();
        builder.Services.AddSingleton<CassandraWriter>();
        builder.Services.AddSingleton<SchemaInitializer>();
        builder.Services.AddSingleton<SchemaAgreement>();
        builder.Services.AddSingleton<ChangeBatchProcessor>();
        builder.Services.AddSingleton<SinkHealth>();
        builder.Services.AddSingleton<PartitionOwnership>();
        builder.Services.AddSingleton<SourceResetDetector>();
        builder.Services.AddSingleton<SinkTelemetry>();
        builder.Services.AddSingleton<Retry>();
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            "cassandra-sink", services => services.GetRequiredService<SinkHealth>(), HealthStatus.Unhealthy, ["ready"]));
        builder.Services.AddHostedService<ChangeStreamWorker>();
        return builder;
    }
}
