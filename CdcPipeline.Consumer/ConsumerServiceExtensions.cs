using CdcPipeline.Consumer.Hosting;
using CdcPipeline.Consumer.Options;
using CdcPipeline.Consumer.Persistence;
using CdcPipeline.Consumer.Processing;
using CdcPipeline.Consumer.Telemetry;
using CdcPipeline.ServiceDefaults.Postgres;
using CdcPipeline.ServiceDefaults.Settings;
using Confluent.Kafka;
using Microsoft.Extensions.Options;

namespace CdcPipeline.Consumer;

internal static class ConsumerServiceExtensions
{
    /// <summary>The tables the Consumer writes.</summary>
    private static readonly PipelineSchema ConsumedSchema = new(["public.users", "public.orders"]);

    /// <summary>
    /// Everything the Consumer runs on: its settings (section <c>Consumer</c>, validated on start), PostgreSQL
    /// (<c>ConnectionStrings:cdcdb</c>), the Kafka consumer and dead-letter publisher (<c>ConnectionStrings:kafka</c>),
    /// the partition workers, the consume loop and the health checks <c>consumer</c> and <c>schema</c> (the tables it writes exist).
    /// </summary>
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ConsumerOptions>().BindSettings(ConsumerOptions.SectionName);
        services.AddSingleton<IValidateOptions<ConsumerOptions>, ConsumerOptionsValidator>();
        services.AddSingleton(TimeProvider.System);

        PostgresConnectionString.Validate(builder.Configuration, "cdcdb");
        builder.AddNpgsqlDataSource("cdcdb");

        var groupId = builder.Configuration[$"{ConsumerOptions.SectionName}:{nameof(ConsumerOptions.GroupId)}"];
        builder.AddKafkaConsumer<byte[]?, byte[]?>(
            "kafka",
            settings =>
            {
                settings.Config.GroupId = string.IsNullOrWhiteSpace(groupId) ? new ConsumerOptions().GroupId : groupId;
                settings.Config.EnableAutoOffsetStore = false;
                settings.Config.EnableAutoCommit = true;
                settings.Config.AutoOffsetReset ??= AutoOffsetReset.Earliest;
                // Partition EOF events tell the loop a partition is caught up (Consumer:IdleTimeout).
                settings.Config.EnablePartitionEof = true;
                // Incremental rebalancing: only the partitions that move are revoked (drained and committed first);
                // the others keep being processed while the group rebalances.
                settings.Config.PartitionAssignmentStrategy ??= PartitionAssignmentStrategy.CooperativeSticky;
                // Prefetch at most 16 MiB (librdkafka's default is 64 MiB), as the sink does: still dozens of batches
                // ahead, and memory stays bounded while a backlog is caught up on.
                settings.Config.QueuedMaxMessagesKbytes ??= 16 * 1024;
            },
            (provider, consumerBuilder) => provider.GetRequiredService<PartitionDispatcher>().Attach(consumerBuilder));
        builder.AddKafkaDeadLetterPublisher("kafka");

        services.AddSingleton<ConsumerTelemetry>();
        services.AddSingleton<ConsumerHealth>();
        services.AddSingleton<UserChangeWriter>();
        services.AddSingleton<OrderChangeWriter>();
        services.AddSingleton<TransactionGate>();
        services.AddSingleton<ChangeApplier>();
        services.AddSingleton<DatabaseRetry>();
        services.AddSingleton<MissingUserRetry>();
        // The consumer is built with the partition workers' rebalance handlers, which need this: resolved at first use.
        services.AddSingleton(provider => ActivatorUtilities.CreateInstance<UsersTopicProgress>(
            provider, new Func<IConsumer<byte[]?, byte[]?>>(provider.GetRequiredService<IConsumer<byte[]?, byte[]?>>)));
        services.AddSingleton<IDeadLetterSink, KafkaDeadLetterSink>();
        services.AddSingleton<DeadLetterRetry>();
        services.AddSingleton<PartitionBatchProcessor>();
        services.AddSingleton<PartitionDispatcher>();
        services.AddHostedService<ConsumerLoop>();
        services.AddHealthChecks()
            .AddCheck<ConsumerHealth>("consumer")
            .AddPipelineSchemaCheck(_ => ConsumedSchema);
        return builder;
    }
}
