using Confluent.Kafka;

namespace CdcPipeline.CassandraSink.Consuming;

/// <summary>
/// What the consumer's rebalance callbacks reported: the partitions taken away since the worker last looked, and how
/// many assignments the sink received (a consumer that left its group and rejoined receives another one).
/// </summary>
internal sealed class PartitionOwnership
{
    private readonly Lock _lock = new();
    private readonly HashSet<TopicPartition> _revoked = [];
    private int _assignments;

    /// <summary>Assignments received since the sink started.</summary>
    public int Assignments => Volatile.Read(ref _assignments);

    public void Assigned() => Interlocked.Increment(ref _assignments);

    public void Revoked(IEnumerable<TopicPartition> partitions)
    {
        lock (_lock)
        {
            _revoked.UnionWith(partitions);
        }
    }

    /// <summary>The partitions revoked or lost since the last call.</summary>
    public HashSet<TopicPartition> TakeRevoked()
    {
        lock (_lock)
        {
            var revoked = new HashSet<TopicPartition>(_revoked);
            _revoked.Clear();
            return revoked;
        }
    }
}
