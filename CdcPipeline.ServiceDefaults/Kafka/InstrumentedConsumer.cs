using System.Globalization;
using Confluent.Kafka;

namespace CdcPipeline.ServiceDefaults.Kafka;

/// <summary>
/// The consumer services get from <c>AddKafkaConsumer</c>: counts the messages Consume returns and the errors it
/// raises, and stops reporting the client's lag once it is closed.
/// </summary>
internal sealed class InstrumentedConsumer<TKey, TValue>(IConsumer<TKey, TValue> inner, string? group, KafkaTelemetry telemetry) : IConsumer<TKey, TValue>
{
    // The handle is gone after Close: the name is kept to forget the client's lag.
    private readonly string _name = inner.Name;

    public Handle Handle => inner.Handle;

    public string Name => _name;

    public string MemberId => inner.MemberId;

    public List<TopicPartition> Assignment => inner.Assignment;

    public List<string> Subscription => inner.Subscription;

    public IConsumerGroupMetadata ConsumerGroupMetadata => inner.ConsumerGroupMetadata;

    public ConsumeResult<TKey, TValue>? Consume(int millisecondsTimeout) => Counted(() => inner.Consume(millisecondsTimeout));

    public ConsumeResult<TKey, TValue>? Consume(CancellationToken cancellationToken = default) => Counted(() => inner.Consume(cancellationToken));

    public ConsumeResult<TKey, TValue>? Consume(TimeSpan timeout) => Counted(() => inner.Consume(timeout));

    private ConsumeResult<TKey, TValue>? Counted(Func<ConsumeResult<TKey, TValue>?> consume)
    {
        ConsumeResult<TKey, TValue>? result;
        try
        {
            result = consume();
        }
        catch (ConsumeException e)
        {
            telemetry.ConsumeErrors.Add(
                1,
                new(KafkaTelemetry.SystemTag, KafkaTelemetry.System),
                new(KafkaTelemetry.DestinationTag, e.ConsumerRecord?.Topic),
                new(KafkaTelemetry.GroupTag, group),
                new(KafkaTelemetry.ErrorTypeTag, e.Error.Code.ToString()));
            throw;
        }

        if (result is { IsPartitionEOF: false })
        {
            telemetry.MessagesConsumed.Add(
                1,
                new(KafkaTelemetry.SystemTag, KafkaTelemetry.System),
                new(KafkaTelemetry.DestinationTag, result.Topic),
                new(KafkaTelemetry.PartitionTag, result.Partition.Value.ToString(CultureInfo.InvariantCulture)),
                new(KafkaTelemetry.GroupTag, group));
        }

        return result;
    }

    public int AddBrokers(string brokers) => inner.AddBrokers(brokers);

    public void SetSaslCredentials(string username, string password) => inner.SetSaslCredentials(username, password);

    public void Subscribe(IEnumerable<string> topics) => inner.Subscribe(topics);

    public void Subscribe(string topic) => inner.Subscribe(topic);

    public void Unsubscribe() => inner.Unsubscribe();

    public void Assign(TopicPartition partition) => inner.Assign(partition);

    public void Assign(TopicPartitionOffset partition) => inner.Assign(partition);

    public void Assign(IEnumerable<TopicPartitionOffset> partitions) => inner.Assign(partitions);

    public void Assign(IEnumerable<TopicPartition> partitions) => inner.Assign(partitions);

    public void IncrementalAssign(IEnumerable<TopicPartitionOffset> partitions) => inner.IncrementalAssign(partitions);

    public void IncrementalAssign(IEnumerable<TopicPartition> partitions) => inner.IncrementalAssign(partitions);

    public void IncrementalUnassign(IEnumerable<TopicPartition> partitions) => inner.IncrementalUnassign(partitions);

    public void Unassign() => inner.Unassign();

    public void StoreOffset(ConsumeResult<TKey, TValue> result) => inner.StoreOffset(result);

    public void StoreOffset(TopicPartitionOffset offset) => inner.StoreOffset(offset);

    public List<TopicPartitionOffset> Commit() => inner.Commit();

    public void Commit(IEnumerable<TopicPartitionOffset> offsets) => inner.Commit(offsets);

    public void Commit(ConsumeResult<TKey, TValue> result) => inner.Commit(result);

    public void Seek(TopicPartitionOffset tpo) => inner.Seek(tpo);

    public void Pause(IEnumerable<TopicPartition> partitions) => inner.Pause(partitions);

    public void Resume(IEnumerable<TopicPartition> partitions) => inner.Resume(partitions);

    public List<TopicPartitionOffset> Committed(TimeSpan timeout) => inner.Committed(timeout);

    public List<TopicPartitionOffset> Committed(IEnumerable<TopicPartition> partitions, TimeSpan timeout) => inner.Committed(partitions, timeout);

    public Offset Position(TopicPartition partition) => inner.Position(partition);

    public List<TopicPartitionOffset> OffsetsForTimes(IEnumerable<TopicPartitionTimestamp> timestampsToSearch, TimeSpan timeout) =>
        inner.OffsetsForTimes(timestampsToSearch, timeout);

    public WatermarkOffsets GetWatermarkOffsets(TopicPartition topicPartition) => inner.GetWatermarkOffsets(topicPartition);

    public WatermarkOffsets QueryWatermarkOffsets(TopicPartition topicPartition, TimeSpan timeout) =>
        inner.QueryWatermarkOffsets(topicPartition, timeout);

    public void Close()
    {
        try
        {
            inner.Close();
        }
        finally
        {
            telemetry.Lag.Forget(_name);
        }
    }

    public void Dispose()
    {
        // Disposing closes the client, which may still deliver a last statistics report: forget after it.
        try
        {
            inner.Dispose();
        }
        finally
        {
            telemetry.Lag.Forget(_name);
        }
    }
}
