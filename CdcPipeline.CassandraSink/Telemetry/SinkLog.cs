using Microsoft.Extensions.Logging;

namespace CdcPipeline.CassandraSink.Telemetry;

internal static partial class SinkLog
{
    [LoggerMessage(1, LogLevel.Information, "Consuming {Topics} as group {Group}")]
    public static partial void Subscribed(this ILogger logger, string topics, string group);

    [LoggerMessage(2, LogLevel.Information, "Cassandra schema applied: {Count} statements from {Directory}")]
    public static partial void SchemaApplied(this ILogger logger, int count, string directory);

    [LoggerMessage(4, LogLevel.Warning, "Dead-lettered {Topic} [{Partition}] @{Offset}: {Reason}")]
    public static partial void DeadLettered(this ILogger logger, string topic, int partition, long offset, string reason);

    [LoggerMessage(5, LogLevel.Debug, "Ignored a change of unknown table {Table} at {Topic} [{Partition}] @{Offset}")]
    public static partial void UnknownTable(this ILogger logger, string table, string topic, int partition, long offset);

    [LoggerMessage(6, LogLevel.Warning, "Kafka consume error {Code}: {Reason}")]
    public static partial void ConsumeError(this ILogger logger, string code, string reason);

    [LoggerMessage(7, LogLevel.Critical, "Fatal Kafka error, stopping the sink: {Reason}")]
    public static partial void FatalKafkaError(this ILogger logger, string reason, Exception error);

    [LoggerMessage(8, LogLevel.Warning, "Could not store offset {Offset}: {Reason} (the partition will be replayed from its last committed offset)")]
    public static partial void StoreOffsetFailed(this ILogger logger, string offset, string reason);

    [LoggerMessage(9, LogLevel.Debug, "Applied {Changes} changes in {Batches} batches from {Messages} messages")]
    public static partial void BatchApplied(this ILogger logger, int changes, int batches, int messages);

    [LoggerMessage(11, LogLevel.Critical, "The sink stopped: {Reason}")]
    public static partial void Stopped(this ILogger logger, string reason, Exception error);

    [LoggerMessage(12, LogLevel.Warning, "A batch is taking long (Cassandra unavailable?): paused {Partitions} partitions, polling to stay in the consumer group")]
    public static partial void Paused(this ILogger logger, int partitions);

    [LoggerMessage(13, LogLevel.Information, "Batch done, resumed {Partitions} partitions")]
    public static partial void Resumed(this ILogger logger, int partitions);

    [LoggerMessage(14, LogLevel.Warning, "A rebalance revoked partitions during a batch: dropped {Dropped} of its messages without storing offsets (their new owner replays them), {Remaining} left to apply")]
    public static partial void RevokedDuringBatch(this ILogger logger, int dropped, int remaining);

    [LoggerMessage(15, LogLevel.Warning, "The Cassandra nodes still report {Versions} schema versions after {Timeout}: going on, 'unconfigured table' is retried for as long again")]
    public static partial void NoSchemaAgreement(this ILogger logger, int versions, TimeSpan timeout);

    [LoggerMessage(16, LogLevel.Critical, "The sink stopped: Kafka refuses a dead letter for good ({Code}): {Reason}. Fix the dead-letter topic (size limit, ACLs) and restart; the message's offset is not committed")]
    public static partial void DeadLetterRefused(this ILogger logger, string code, string reason, Exception error);

    [LoggerMessage(17, LogLevel.Error, "Source reset on {Topic} [{Partition}] @{Offset}: {What}. Streamed rows already in Cassandra carry higher write timestamps and would hide the new changes: stop the sink, drop or truncate the tables of the Cassandra keyspace, reset the sink's consumer group to the earliest offsets, start the sink again")]
    public static partial void SourceReset(this ILogger logger, string topic, int partition, long offset, string what);
}
