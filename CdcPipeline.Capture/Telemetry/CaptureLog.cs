namespace CdcPipeline.Capture.Telemetry;

/// <summary>The capture's log messages, source-generated.</summary>
internal static partial class CaptureLog
{
    [LoggerMessage(1, LogLevel.Information, "Capturing {Tables} of database {Database} through slot {Slot} and publication {Publication} into topics {TopicPrefix}.* (schemas {SchemasEnable})")]
    public static partial void Starting(this ILogger logger, string tables, string database, string slot, string publication, string topicPrefix, bool schemasEnable);

    [LoggerMessage(2, LogLevel.Information, "Created replication slot {Slot} at {ConsistentPoint}; snapshotting {Tables}")]
    public static partial void SlotCreated(this ILogger logger, string slot, string consistentPoint, string tables);

    [LoggerMessage(3, LogLevel.Warning, "Slot {Slot} exists but its snapshot never completed (no record in {OffsetsTopic}): dropping the slot and snapshotting again")]
    public static partial void SnapshotIncomplete(this ILogger logger, string slot, string offsetsTopic);

    [LoggerMessage(4, LogLevel.Information, "Snapshot of {Table}: {Rows} rows")]
    public static partial void SnapshotTableRead(this ILogger logger, string table, long rows);

    [LoggerMessage(5, LogLevel.Information, "Snapshot completed: {Rows} rows of {Tables} tables at {Lsn}, all acknowledged by Kafka")]
    public static partial void SnapshotCompleted(this ILogger logger, long rows, int tables, string lsn);

    [LoggerMessage(6, LogLevel.Information, "Streaming slot {Slot} from {Lsn}")]
    public static partial void StreamingStarted(this ILogger logger, string slot, string lsn);

    [LoggerMessage(10, LogLevel.Critical, "Capture stopped: {Reason}")]
    public static partial void Fatal(this ILogger logger, Exception exception, string reason);

    [LoggerMessage(11, LogLevel.Warning, "Table {Table} of Capture:Tables does not exist in database {Database}: it is not snapshotted")]
    public static partial void TableMissing(this ILogger logger, string table, string database);

    [LoggerMessage(12, LogLevel.Information, "Created topic {Topic} with {Partitions} partitions and replication factor {ReplicationFactor}")]
    public static partial void TopicCreated(this ILogger logger, string topic, int partitions, short replicationFactor);

    [LoggerMessage(13, LogLevel.Warning, "Topic {Topic} could not be created ({Reason}); records go to it as it is or as the cluster auto-creates it")]
    public static partial void TopicNotCreated(this ILogger logger, string topic, string reason);

    [LoggerMessage(14, LogLevel.Warning, "Heartbeat failed (further failures are logged at Debug until one succeeds): {Reason}")]
    public static partial void HeartbeatFailed(this ILogger logger, string reason);

    [LoggerMessage(15, LogLevel.Debug, "Heartbeat failed again: {Reason}")]
    public static partial void HeartbeatFailedAgain(this ILogger logger, string reason);

    [LoggerMessage(16, LogLevel.Information, "Snapshot mode NoData: streaming slot {Slot} from {Lsn} without a snapshot")]
    public static partial void NoSnapshot(this ILogger logger, string slot, string lsn);

    [LoggerMessage(17, LogLevel.Information, "Logical decoding messages with prefix {Prefix} are not published (Debezium would publish them to {TopicPrefix}.message)")]
    public static partial void MessageNotPublished(this ILogger logger, string prefix, string topicPrefix);

    [LoggerMessage(18, LogLevel.Information, "Capture stopped; {Lsn} confirmed to slot {Slot}")]
    public static partial void Stopped(this ILogger logger, string lsn, string slot);

    [LoggerMessage(19, LogLevel.Information, "Slot {Slot} and its snapshot of {SnapshotLsn} are known: streaming from {Lsn}")]
    public static partial void Resuming(this ILogger logger, string slot, string snapshotLsn, string lsn);

    [LoggerMessage(20, LogLevel.Warning, "Kafka reports a fatal producer error; the capture stops: {Reason}")]
    public static partial void FatalKafkaError(this ILogger logger, string reason);

    [LoggerMessage(22, LogLevel.Warning, "Kafka has acknowledged no record for {Waiting} (more than Capture:MaxHealthyLag); reading the WAL waits, librdkafka keeps retrying, nothing is dropped")]
    public static partial void KafkaStalled(this ILogger logger, TimeSpan waiting);

    [LoggerMessage(23, LogLevel.Information, "Kafka acknowledges records again")]
    public static partial void KafkaResumed(this ILogger logger);

    [LoggerMessage(21, LogLevel.Warning, "Records still unacknowledged by Kafka after {Timeout} at shutdown: {Count}; they are published again from the slot on the next start")]
    public static partial void ShutdownFlushIncomplete(this ILogger logger, TimeSpan timeout, int count);
}
