using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace CdcPipeline.ServiceDefaults.Kafka;

/// <summary>The activity source and meter of the Kafka integration (OpenTelemetry messaging conventions).</summary>
public static class KafkaTelemetry
{
    public const string Name = "CdcPipeline.Kafka";

    public static readonly ActivitySource ActivitySource = new(Name);

    public static readonly Meter Meter = new(Name);

    /// <summary>Messages the broker acknowledged, by topic.</summary>
    public static readonly Counter<long> MessagesProduced = Meter.CreateCounter<long>(
        "cdc.kafka.messages.produced", "{message}", "Messages acknowledged by the Kafka cluster.");

    /// <summary>Messages that could not be delivered, by topic and error.</summary>
    public static readonly Counter<long> ProduceFailures = Meter.CreateCounter<long>(
        "cdc.kafka.produce.failures", "{message}", "Messages the producer could not deliver.");

    /// <summary>Messages returned by Consume, by topic, partition and group.</summary>
    public static readonly Counter<long> MessagesConsumed = Meter.CreateCounter<long>(
        "cdc.kafka.messages.consumed", "{message}", "Messages returned by Consume.");

    /// <summary>Errors raised by Consume, by error code.</summary>
    public static readonly Counter<long> ConsumeErrors = Meter.CreateCounter<long>(
        "cdc.kafka.consume.errors", "{error}", "Errors raised by Consume.");

    /// <summary>
    /// The one dead-letter counter of every service: messages set aside on a dead-letter topic, by origin topic
    /// (<c>messaging.destination.name</c>), kind (<c>cdc.dead_letter.kind</c>) and service (<c>cdc.service</c>).
    /// </summary>
    public static readonly Counter<long> MessagesDeadLettered = Meter.CreateCounter<long>(
        "cdc.kafka.messages.dead_lettered", "{message}", "Messages written to a dead-letter topic, by origin topic, kind and service.");

    /// <summary>
    /// Messages between a partition's end and the group's committed offset, per topic and partition, from the
    /// consumers' librdkafka statistics (<c>statistics.interval.ms</c>).
    /// </summary>
    public static readonly ObservableGauge<long> ConsumerLag = Meter.CreateObservableGauge(
        "cdc.kafka.consumer.lag", KafkaConsumerLag.Observe, "{message}",
        "Messages not yet committed by the consumer group, per partition.");

    internal const string SystemTag = "messaging.system";
    internal const string DestinationTag = "messaging.destination.name";
    internal const string PartitionTag = "messaging.destination.partition.id";
    internal const string GroupTag = "messaging.consumer.group.name";
    internal const string ErrorTypeTag = "error.type";
    internal const string DeadLetterKindTag = "cdc.dead_letter.kind";
    internal const string ServiceTag = "cdc.service";
    internal const string System = "kafka";
}
