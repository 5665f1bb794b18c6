using Microsoft.Extensions.Logging;

namespace CdcPipeline.Consumer.Telemetry;

internal static partial class ConsumerLog
{
    [LoggerMessage(1, LogLevel.Information, "Consuming topics {Topics} as group {GroupId}")]
    public static partial void Subscribed(this ILogger logger, string topics, string groupId);

    [LoggerMessage(2, LogLevel.Information, "Partitions assigned: {Partitions}")]
    public static partial void PartitionsAssigned(this ILogger logger, string partitions);

    [LoggerMessage(3, LogLevel.Information, "Partitions revoked: {Partitions}; their batches in hand were finished and committed")]
    public static partial void PartitionsRevoked(this ILogger logger, string partitions);

    [LoggerMessage(4, LogLevel.Warning, "Partitions lost: {Partitions}; their offsets are not committed and will be redelivered")]
    public static partial void PartitionsLost(this ILogger logger, string partitions);

    [LoggerMessage(5, LogLevel.Warning, "Consume error (the consumer goes on): {Reason}")]
    public static partial void ConsumeError(this ILogger logger, string reason);

    [LoggerMessage(6, LogLevel.Critical, "Fatal Kafka error, the consumer stops: {Reason}")]
    public static partial void FatalKafkaError(this ILogger logger, string reason);

    [LoggerMessage(7, LogLevel.Debug, "Applied batch of {Count} events from {Topic} [{Partition}] up to offset {Offset}: {Applied} applied, {DeadLettered} dead-lettered")]
    public static partial void BatchApplied(this ILogger logger, int count, string topic, int partition, long offset, int applied, int deadLettered);

    [LoggerMessage(8, LogLevel.Warning, "Dead-lettered {Topic} [{Partition}] @{Offset} to {DeadLetterTopic}: {Reason}")]
    public static partial void DeadLettered(this ILogger logger, string topic, int partition, long offset, string deadLetterTopic, string reason);

    [LoggerMessage(11, LogLevel.Debug, "{Count} parked orders of {Topic} [{Partition}] still wait for their users (attempt {Attempt}, next try in {Delay})")]
    public static partial void AwaitingUsers(this ILogger logger, int count, string topic, int partition, int attempt, TimeSpan delay);

    [LoggerMessage(12, LogLevel.Information, "No message for {IdleTimeout} after catching up: the consumer exits (Consumer:IdleTimeout)")]
    public static partial void IdleTimeoutReached(this ILogger logger, TimeSpan idleTimeout);

    [LoggerMessage(13, LogLevel.Warning, "Could not store offset {Offset} of {Topic} [{Partition}] (partition no longer assigned?): {Reason}")]
    public static partial void StoreOffsetFailed(this ILogger logger, long offset, string topic, int partition, string reason);

    [LoggerMessage(14, LogLevel.Warning, "Committing offsets failed: {Reason}")]
    public static partial void CommitFailed(this ILogger logger, string reason);

    [LoggerMessage(15, LogLevel.Critical, "Partition worker of {Topic} [{Partition}] failed; the consumer stops so nothing is skipped")]
    public static partial void WorkerFailed(this ILogger logger, Exception exception, string topic, int partition);

    [LoggerMessage(16, LogLevel.Warning, "Dead-letter publishing failed (attempt {Attempt}, next try in {Delay}): {Error}")]
    public static partial void DeadLetterRetry(this ILogger logger, int attempt, TimeSpan delay, string error);

    [LoggerMessage(17, LogLevel.Information, "Partition {Topic} [{Partition}] paused: {Queued} events queued; resumes when its worker catches up")]
    public static partial void PartitionPaused(this ILogger logger, string topic, int partition, int queued);

    [LoggerMessage(18, LogLevel.Information, "Consumer stopped: batches in hand finished, offsets committed, group left")]
    public static partial void Stopped(this ILogger logger);

    [LoggerMessage(29, LogLevel.Information, "Consumer stopped before reaching Kafka (it never joined group {GroupId}): nothing consumed, no offsets to commit")]
    public static partial void StoppedBeforeJoining(this ILogger logger, string groupId);

    [LoggerMessage(19, LogLevel.Warning, "Leaving the consumer group failed (the group rebalances after the session timeout): {Reason}")]
    public static partial void CloseFailed(this ILogger logger, string reason);

    [LoggerMessage(20, LogLevel.Information, "The worker of {Topic} [{Partition}] stops: {Count} parked events still waiting for their users are not dead-lettered; they are redelivered from offset {Offset}")]
    public static partial void AwaitingUsersDeferred(this ILogger logger, int count, string topic, int partition, long offset);

    [LoggerMessage(21, LogLevel.Warning, "The batch in hand of {Topic} [{Partition}] did not finish within {Grace} after its worker was told to stop; it is abandoned uncommitted and redelivered")]
    public static partial void BatchAbandoned(this ILogger logger, string topic, int partition, TimeSpan grace);

    [LoggerMessage(23, LogLevel.Warning, "Resuming partitions {Partitions} failed: {Reason}")]
    public static partial void ResumeFailed(this ILogger logger, string partitions, string reason);

    [LoggerMessage(24, LogLevel.Debug, "Parked {Count} events of {Keys} orders of {Topic} [{Partition}] until their users arrive; the other keys go on, offsets from {Offset} stay uncommitted meanwhile")]
    public static partial void Parked(this ILogger logger, int count, int keys, string topic, int partition, long offset);

    [LoggerMessage(25, LogLevel.Warning, "Partition {Topic} [{Partition}] paused: {Parked} events are parked waiting for their users (Consumer:MaxParkedPerPartition {Max}); it resumes once the park has drained to half")]
    public static partial void ParkFull(this ILogger logger, string topic, int partition, int parked, int max);

    [LoggerMessage(22, LogLevel.Warning, "The consume thread did not finish within {Timeout} after the stop; the Kafka clients are disposed regardless")]
    public static partial void ConsumeThreadStuck(this ILogger logger, TimeSpan timeout);

    [LoggerMessage(26, LogLevel.Warning, "Kafka cannot tell how far the users topic {Topic} has been consumed: {Error}; the budgets of parked orders do not start until it can (Consumer:MissingUserRetryBudget)")]
    public static partial void UsersTopicUnreadable(this ILogger logger, string topic, string error);

    [LoggerMessage(27, LogLevel.Information, "Kafka tells how far the users topic {Topic} has been consumed again")]
    public static partial void UsersTopicReadable(this ILogger logger, string topic);

    [LoggerMessage(28, LogLevel.Debug, "The users topic has been consumed up to where it stood when {Count} orders of {Topic} [{Partition}] were parked: their budget of {Budget} starts")]
    public static partial void MissingUserBudgetStarted(this ILogger logger, int count, string topic, int partition, TimeSpan budget);
}
