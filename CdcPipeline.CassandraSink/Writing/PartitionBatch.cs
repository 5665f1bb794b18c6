namespace CdcPipeline.CassandraSink.Writing;

/// <summary>Writes of one consumed batch that touch one Cassandra partition: sent as one unlogged BATCH.</summary>
internal sealed record PartitionBatch(string Partition, IReadOnlyList<CqlWrite> Writes)
{
    /// <summary>Statements per BATCH: keeps batches well under Cassandra's batch size warning (5 KiB) and failure (50 KiB) thresholds.</summary>
    public const int MaxStatements = 30;

    /// <summary>Groups writes by partition, keeping each partition's writes in their original order.</summary>
    public static IReadOnlyList<PartitionBatch> Group(IEnumerable<CqlWrite> writes) =>
        writes.GroupBy(write => write.Partition, StringComparer.Ordinal)
            .SelectMany(group => group.Chunk(MaxStatements).Select(chunk => new PartitionBatch(group.Key, chunk)))
            .ToList();
}
