using CdcPipeline.ServiceDefaults.Kafka;
using Confluent.Kafka;

namespace CdcPipeline.Consumer.Processing;

/// <summary>Where an event that cannot be applied goes, with its reason; returns once the copy is durable.</summary>
internal interface IDeadLetterSink
{
    string DeadLetterTopic(string originTopic);

    Task PublishAsync(ConsumeResult<byte[]?, byte[]?> origin, KafkaDeadLetterReason reason, CancellationToken cancellationToken);
}

/// <summary>Dead letters on Kafka, through the shared <see cref="KafkaDeadLetterPublisher"/> (<c>{topic}.dlq</c>).</summary>
internal sealed class KafkaDeadLetterSink(KafkaDeadLetterPublisher publisher) : IDeadLetterSink
{
    public string DeadLetterTopic(string originTopic) => publisher.DeadLetterTopic(originTopic);

    public Task PublishAsync(ConsumeResult<byte[]?, byte[]?> origin, KafkaDeadLetterReason reason, CancellationToken cancellationToken) =>
        publisher.PublishAsync(origin, reason, cancellationToken);
}
