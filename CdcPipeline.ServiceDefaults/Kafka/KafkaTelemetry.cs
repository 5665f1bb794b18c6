using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace CdcPipeline.ServiceDefaults.Kafka;

/// <summary>
/// The activity source and the metrics (meter <c>CdcPipeline.Kafka</c>, from the host's <see cref="IMeterFactory"/>) of
/// the Kafka integration, by the OpenTelemetry messaging conventions. One per host, registered by <c>AddKafkaProducer</c>,
/// <c>AddKafkaConsumer</c> and <c>AddKafkaDeadLetterPublisher</c>.
/// </summary>
internal sealed class KafkaTelemetry : IDisposable
{
    public const string Name = "CdcPipeline.Kafka";

    public static readonly ActivitySource ActivitySource = new(Name);

    private readonly Meter _meter;

    public KafkaTelemetry(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meter = meterFactory.Create(Name);
        MessagesProduced = _meter.CreateCounter<long>(
            "cdc.kafka.messages.produced", "{message}", "Messages acknowledged by the Kafka cluster.");
        ProduceFailures = _meter.CreateCounter<long>(
            "cdc.kafka.produce.failures", "{message}", "Messages the producer could not deliver.");
        MessagesConsumed = _meter.CreateCounter<long>(
            "cdc.kafka.messages.consumed", "{message}", "Messages returned by Consume.");
        ConsumeErrors = _meter.CreateCounter<long>(
            "cdc.kafka.consume.errors", "{error}", "Errors raised by Consume.");
        MessagesDeadLettered = _meter.CreateCounter<long>(
            "cdc.kafka.messages.dead_lettered", "{message}", "Messages written to a dead-letter topic, by origin topic, kind and service.");
        ConsumerLag = _meter.CreateObservableGauge(
            "cdc.kafka.consumer.lag", Lag.Observe, "{message}",
            "Messages not yet committed by the consumer group, per partition.");
    }

    /// <summary>Messages the broker acknowledged, by topic.</summary>
    internal Counter<long> MessagesProduced { get; }

    /// <summary>Messages that could not be delivered, by topic and error.</summary>
    internal Counter<long> ProduceFailures { get; }

    /// <summary>Messages returned by Consume, by topic, partition and group.</summary>
    internal Counter<long> MessagesConsumed { get; }

    /// <summary>Errors raised by Consume, by error code.</summary>
    internal Counter<long> ConsumeErrors { get; }

    /// <summary>
    /// The one dead-letter counter of every service: messages set aside on a dead-letter topic, by origin topic
    /// (<c>messaging.destination.name</c>), kind (<c>cdc.dead_letter.kind</c>) and service (<c>cdc.service</c>).
    /// </summary>
    internal Counter<long> MessagesDeadLettered { get; }

    /// <summary>
    /// Messages between a partition's end and the group's committed offset, per topic and partition, from the
    /// consumers' librdkafka statistics (<c>statistics.interval.ms</c>), as last reported to <see cref="Lag"/>.
    /// </summary>
    internal ObservableGauge<long> ConsumerLag { get; }

    /// <summary>The lag last reported by each consumer of this host, read by <see cref="ConsumerLag"/>.</summary>
    public KafkaConsumerLag Lag { get; } = new();

    internal const string SystemTag = "messaging.system";
    internal const string DestinationTag = "messaging.destination.name";
    internal const string PartitionTag = "messaging.destination.partition.id";
    internal const string GroupTag = "messaging.consumer.group.name";
    internal const string ErrorTypeTag = "error.type";
    internal const string DeadLetterKindTag = "cdc.dead_letter.kind";
    internal const string ServiceTag = "cdc.service";
    internal const string System = "kafka";

    public void Dispose() => _meter.Dispose();
}
