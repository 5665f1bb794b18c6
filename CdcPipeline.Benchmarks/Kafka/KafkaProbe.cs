using Confluent.Kafka;

namespace CdcPipeline.Benchmarks.Kafka;

/// <summary>
/// Looks at Kafka from outside the services: records written (high watermarks, which count on even after the mock
/// cluster dropped old records), offsets a group committed, and every record still kept.
/// </summary>
internal sealed class KafkaProbe(string bootstrap) : IDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    private readonly IConsumer<byte[]?, byte[]?> _watermarks = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
    {
        BootstrapServers = bootstrap,
        GroupId = "benchmark-probe",
        EnableAutoCommit = false,
    }).Build();

    private readonly Dictionary<string, IConsumer<byte[]?, byte[]?>> _groups = new(StringComparer.Ordinal);

    /// <summary>Records written to these topics so far (the sum of their high watermarks).</summary>
    public long Written(TopicSet topics) =>
        topics.AllPartitions.Sum(partition => _watermarks.QueryWatermarkOffsets(partition, RequestTimeout).High.Value);

    /// <summary>The sum of the offsets <paramref name="groupId"/> committed on these topics (0 where none).</summary>
    /// <summary>Records no longer readable (the mock cluster drops a partition's oldest beyond its retention): the sum of low watermarks.</summary>
    public long Evicted(TopicSet topics) =>
        topics.AllPartitions.Sum(partition => _watermarks.QueryWatermarkOffsets(partition, RequestTimeout).Low.Value);

    public long Committed(string groupId, TopicSet topics)
    {
        if (!_groups.TryGetValue(groupId, out var consumer))
        {
            // Committed() asks the group coordinator (OffsetFetch) without joining the group.
            consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
            {
                BootstrapServers = bootstrap,
                GroupId = groupId,
                EnableAutoCommit = false,
            }).Build();
            _groups[groupId] = consumer;
        }

        return consumer.Committed(topics.AllPartitions, RequestTimeout).Sum(o => o.Offset.Value > 0 ? o.Offset.Value : 0);
    }

    /// <summary>Every record these topics still keep, partition by partition in offset order.</summary>
    public IReadOnlyList<ConsumeResult<byte[]?, byte[]?>> ReadAll(TopicSet topics, CancellationToken cancellationToken)
    {
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "benchmark-reader",
            EnableAutoCommit = false,
            EnablePartitionEof = true,
            AutoOffsetReset = AutoOffsetReset.Earliest,
        }).Build();
        var partitions = topics.AllPartitions;
        var open = partitions.Where(p => _watermarks.QueryWatermarkOffsets(p, RequestTimeout).High.Value > 0).ToHashSet();
        consumer.Assign(partitions.Select(p => new TopicPartitionOffset(p, Offset.Beginning)));
        var records = new List<ConsumeResult<byte[]?, byte[]?>>();
        while (open.Count > 0)
        {
            var result = consumer.Consume(cancellationToken);
            if (result.IsPartitionEOF)
            {
                open.Remove(result.TopicPartition);
                continue;
            }

            records.Add(result);
        }

        return records;
    }

    public void Dispose()
    {
        _watermarks.Dispose();
        foreach (var consumer in _groups.Values)
        {
            consumer.Dispose();
        }
    }
}
