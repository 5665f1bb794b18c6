using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace CdcPipeline.ServiceDefaults.Kafka;

/// <summary>
/// Sets aside a message that cannot be processed: its original key, value and headers go to
/// <c>{topic}{suffix}</c> (default <c>.dlq</c>; created on first use, see <see cref="KafkaDeadLetterTopics"/>) with <see cref="KafkaDeadLetterHeaders"/> naming the reason and the
/// origin. <see cref="PublishAsync"/> returns only once the cluster has the dead letter, so the caller may then
/// commit the original's offset. A value too large for the dead-letter topic is cut to its first
/// <see cref="TruncatedValueBytes"/> bytes, marked <see cref="KafkaDeadLetterHeaders.ValueTruncated"/>, rather than
/// refused for good: the reason and the origin still reach a person.
/// </summary>
public sealed class KafkaDeadLetterPublisher : IDisposable
{
    /// <summary>How much of a value too large for the dead-letter topic its dead letter keeps.</summary>
    public const int TruncatedValueBytes = 64 * 1024;

    private readonly IProducer<byte[]?, byte[]?> _producer;
    private readonly string _topicSuffix;
    private readonly string _service;
    private readonly KafkaDeadLetterTopics _topics;
    private readonly KafkaTelemetry _telemetry;

    internal KafkaDeadLetterPublisher(
        IProducer<byte[]?, byte[]?> producer, string topicSuffix, string service, KafkaTelemetry telemetry, ILogger logger)
    {
        _telemetry = telemetry;
        _producer = producer;
        _topicSuffix = topicSuffix;
        _service = service;
        _topics = new KafkaDeadLetterTopics(new DependentAdminClientBuilder(_producer.Handle).Build(), logger);
    }

    /// <summary>The dead-letter topic of <paramref name="originTopic"/>.</summary>
    public string DeadLetterTopic(string originTopic) => originTopic + _topicSuffix;

    /// <summary>
    /// Writes the dead letter of <paramref name="origin"/> and waits for the cluster's acknowledgement; then counts it
    /// in <c>cdc.kafka.messages.dead_lettered</c> by origin topic, <see cref="KafkaDeadLetterReason.Kind"/> and service.
    /// </summary>
    /// <remarks>
    /// <paramref name="cancellationToken"/> cancels only the wait, never the send: once handed to the producer the
    /// dead letter is delivered or fails on its own. A cancelled publish may therefore still be delivered; the
    /// caller, not having committed the original's offset, will dead-letter it again after a restart. Dead letters are
    /// at least once: duplicates are possible in the dead-letter topic.
    /// </remarks>
    /// <exception cref="KafkaDeadLetterException">The cluster did not acknowledge the dead letter.</exception>
    /// <exception cref="OperationCanceledException">The wait was cancelled; the dead letter may still arrive.</exception>
    public async Task<TopicPartitionOffset> PublishAsync(
        ConsumeResult<byte[]?, byte[]?> origin, KafkaDeadLetterReason reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(origin);
        ArgumentNullException.ThrowIfNull(reason);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason.Text);

        var topic = DeadLetterTopic(origin.Topic);
        var message = new Message<byte[]?, byte[]?>
        {
            Key = origin.Message?.Key,
            Value = origin.Message?.Value,
            Headers = Headers(origin, reason.Text, reason.Error),
        };

        await _topics.EnsureAsync(origin.Topic, topic).WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            TopicPartitionOffset delivered;
            try
            {
                delivered = await ProduceAsync(topic, message, cancellationToken).ConfigureAwait(false);
            }
            catch (ProduceException<byte[]?, byte[]?> e)
                when (e.Error.Code is ErrorCode.MsgSizeTooLarge && message.Value is { Length: > TruncatedValueBytes } value)
            {
                message.Value = value[..TruncatedValueBytes];
                Add(message.Headers, KafkaDeadLetterHeaders.ValueTruncated, value.Length.ToString(CultureInfo.InvariantCulture));
                delivered = await ProduceAsync(topic, message, cancellationToken).ConfigureAwait(false);
            }

            _telemetry.MessagesDeadLettered.Add(
                1,
                new(KafkaTelemetry.SystemTag, KafkaTelemetry.System),
                new(KafkaTelemetry.DestinationTag, origin.Topic),
                new(KafkaTelemetry.DeadLetterKindTag, reason.KindName),
                new(KafkaTelemetry.ServiceTag, _service));
            return delivered;
        }
        catch (ProduceException<byte[]?, byte[]?> e)
        {
            throw new KafkaDeadLetterException(
                $"Could not dead-letter {origin.TopicPartitionOffset} to '{topic}' ({reason.Text}): {e.Error.Code}: {e.Error.Reason}", e);
        }
    }

    private async Task<TopicPartitionOffset> ProduceAsync(string topic, Message<byte[]?, byte[]?> message, CancellationToken cancellationToken) =>
        (await _producer.ProduceAsync(topic, message, CancellationToken.None).WaitAsync(cancellationToken).ConfigureAwait(false))
        .TopicPartitionOffset;

    private static Headers Headers(ConsumeResult<byte[]?, byte[]?> origin, string reason, Exception? error)
    {
        var headers = new Headers();
        foreach (var header in origin.Message?.Headers ?? [])
        {
            // A dead letter dead-lettered again describes its latest failure only.
            if (!header.Key.StartsWith(KafkaDeadLetterHeaders.Prefix, StringComparison.Ordinal))
            {
                headers.Add(header.Key, header.GetValueBytes());
            }
        }

        Add(headers, KafkaDeadLetterHeaders.Reason, reason);
        if (error is not null)
        {
            Add(headers, KafkaDeadLetterHeaders.Error, $"{error.GetType().FullName}: {error.Message}");
        }

        Add(headers, KafkaDeadLetterHeaders.OriginTopic, origin.Topic);
        Add(headers, KafkaDeadLetterHeaders.OriginPartition, origin.Partition.Value.ToString(CultureInfo.InvariantCulture));
        Add(headers, KafkaDeadLetterHeaders.OriginOffset, origin.Offset.Value.ToString(CultureInfo.InvariantCulture));
        Add(headers, KafkaDeadLetterHeaders.Timestamp, DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
        return headers;
    }

    private static void Add(Headers headers, string name, string value) => headers.Add(name, Encoding.UTF8.GetBytes(value));

    public void Dispose()
    {
        _topics.Dispose();
        _producer.Flush(TimeSpan.FromSeconds(10));
        _producer.Dispose();
    }
}
