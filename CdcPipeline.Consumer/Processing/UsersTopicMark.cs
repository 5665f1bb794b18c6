using Confluent.Kafka;

namespace CdcPipeline.Consumer.Processing;

/// <summary>
/// Where the users topic stood when a cohort of orders was parked: the high watermark of each of its partitions
/// that had events to consume then (an empty partition has nothing to wait for). Every user that was in Kafka by then
/// has been applied once the group's committed offsets have reached it: users are never parked, and a users
/// partition's offsets are committed only after its events are durable (or dead-lettered).
/// </summary>
internal sealed class UsersTopicMark
{
    private readonly IReadOnlyDictionary<int, long> _ends;

    private UsersTopicMark(string topic, IReadOnlyDictionary<int, long> ends)
    {
        Topic = topic;
        _ends = ends;
    }

    public string Topic { get; }

    /// <summary>The partitions whose committed offsets must reach their high watermark.</summary>
    public IReadOnlyList<TopicPartition> Partitions => _ends.Keys.Order().Select(partition => new TopicPartition(Topic, partition)).ToArray();

    public static UsersTopicMark Of(string topic, IEnumerable<(int Partition, WatermarkOffsets Offsets)> watermarks) =>
        new(topic, watermarks
            .Where(watermark => watermark.Offsets.High.Value > watermark.Offsets.Low.Value)
            .ToDictionary(watermark => watermark.Partition, watermark => watermark.Offsets.High.Value));

    /// <summary>Every partition of the mark has a committed offset at or past its high watermark (no commit yet: not reached).</summary>
    public bool IsReachedBy(IEnumerable<TopicPartitionOffset> committed)
    {
        var offsets = committed
            .Where(offset => string.Equals(offset.Topic, Topic, StringComparison.Ordinal))
            .ToDictionary(offset => offset.Partition.Value, offset => offset.Offset.Value);
        return _ends.All(end => offsets.TryGetValue(end.Key, out var offset) && offset >= end.Value);
    }
}
