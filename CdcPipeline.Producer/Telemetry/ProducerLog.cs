using CdcPipeline.Events;
using CdcPipeline.Producer.Options;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace CdcPipeline.Producer.Telemetry;

/// <summary>Every message the Producer logs.</summary>
internal static partial class ProducerLog
{
    [LoggerMessage(1, LogLevel.Information, "Producer starting in {Mode} mode with seed {Seed}, topics {UsersTopic} and {OrdersTopic}")]
    public static partial void Starting(this ILogger logger, ProducerMode mode, int seed, string usersTopic, string ordersTopic);

    [LoggerMessage(2, LogLevel.Information, "Producer summary: {Produced} events sent, {Delivered} delivered, {Failed} failed, {Unconfirmed} unconfirmed in {Seconds:F1} s ({Rate:F1} events/s)")]
    public static partial void Summary(this ILogger logger, long produced, long delivered, long failed, long unconfirmed, double seconds, double rate);

    [LoggerMessage(3, LogLevel.Error, "{Lost} of {Produced} events were not delivered; exiting with a non-zero code")]
    public static partial void EventsLost(this ILogger logger, long lost, long produced);

    [LoggerMessage(4, LogLevel.Warning, "Stopped before the run was complete; all {Produced} events sent so far were delivered")]
    public static partial void Interrupted(this ILogger logger, long produced);

    [LoggerMessage(5, LogLevel.Information, "Stopped before sending any event")]
    public static partial void StoppedBeforeSending(this ILogger logger);

    [LoggerMessage(6, LogLevel.Error, "Topics are not ready, no event was sent: {Reason}")]
    public static partial void TopicsNotReady(this ILogger logger, string reason);

    [LoggerMessage(7, LogLevel.Error, "Kafka failed, the run stops: {ErrorCode} {Reason}")]
    public static partial void KafkaFailed(this ILogger logger, ErrorCode errorCode, string reason, Exception exception);

    [LoggerMessage(8, LogLevel.Error, "Event {EventType} {Key} was not delivered to topic {Topic}: {ErrorCode} {Reason}")]
    public static partial void DeliveryFailed(this ILogger logger, EventType eventType, string key, string topic, ErrorCode errorCode, string reason);

    [LoggerMessage(9, LogLevel.Error, "More than {Count} events were not delivered; further failures are counted and reported in the summary")]
    public static partial void FurtherFailuresCounted(this ILogger logger, int count);

    [LoggerMessage(10, LogLevel.Error, "{Remaining} events were still unacknowledged after waiting {Timeout} for the flush; they count as lost")]
    public static partial void FlushTimedOut(this ILogger logger, int remaining, TimeSpan timeout);

    [LoggerMessage(11, LogLevel.Information, "Progress: {Delivered} events delivered, {Failed} failed, {InFlight} in flight, {Rate:F1} events/s")]
    public static partial void Progress(this ILogger logger, long delivered, long failed, long inFlight, double rate);

    [LoggerMessage(12, LogLevel.Warning, "Topic {Topic}: existing topic has replication factor {Found}, below the {Configured} of {Setting}:ReplicationFactor; it stays as it is")]
    public static partial void ExistingTopicUnderReplicated(this ILogger logger, string topic, int found, string setting, short configured);

    [LoggerMessage(13, LogLevel.Warning, "Topic {Topic}: replication factor {Configured} ({Setting}:ReplicationFactor) is more than the {Brokers} broker(s) of the cluster; creating it with {Lowered}")]
    public static partial void ReplicationFactorLowered(this ILogger logger, string topic, short configured, string setting, int brokers, short lowered);

    [LoggerMessage(14, LogLevel.Information, "Created topic {Topic} with {Partitions} partitions and replication factor {ReplicationFactor}")]
    public static partial void TopicCreated(this ILogger logger, string topic, int partitions, short replicationFactor);

    [LoggerMessage(15, LogLevel.Information, "Topic {Topic} was created by another client meanwhile")]
    public static partial void TopicCreatedElsewhere(this ILogger logger, string topic);

    [LoggerMessage(16, LogLevel.Warning, "The broker does not support topic administration ({Reason}); relying on an existing topic {Topic}")]
    public static partial void AdministrationUnsupported(this ILogger logger, string topic, string reason);

    [LoggerMessage(17, LogLevel.Information, "Topic {Topic} has {Found} partitions, more than the {Wanted} of {Setting}:Partitions; using it as it is")]
    public static partial void MorePartitionsThanConfigured(this ILogger logger, string topic, int found, string setting, int wanted);

    [LoggerMessage(18, LogLevel.Information, "Topic {Topic} is ready with {Partitions} partitions")]
    public static partial void TopicReady(this ILogger logger, string topic, int partitions);

    [LoggerMessage(19, LogLevel.Debug, "Delivered {EventType} {Key} to {Topic} [{Partition}] @{Offset}")]
    public static partial void Delivered(this ILogger logger, EventType eventType, string key, string topic, int partition, long offset);
}
