namespace CdcPipeline.CassandraSink.Writing;

/// <summary>
/// Writes of one consumed batch sent as one unlogged BATCH. Batches span partitions: one request carries the writes
/// of many changes, as a client's own batched writes would. Order between writes does not matter (each carries its
/// change's write timestamp); a partition's writes stay together, in their order, as one mutation.
/// </summary>
internal sealed record WriteBatch(IReadOnlyList<CqlWrite> Writes)
{
    /// <summary>
    /// Statements per BATCH: keeps a batch (about 200 bytes per statement here) near Cassandra's size warning (5 KiB)
    /// and far from its failure threshold for batches across partitions (50 KiB).
    /// </summary>
    public const int MaxStatements = 30;

    /// <summary>Packs writes into batches of at most <see cref="MaxStatements"/>; a partition's writes are split only when they alone exceed it.</summary>
    public static IReadOnlyList<WriteBatch> Pack(IEnumerable<CqlWrite> writes)
    {
        var batches = new List<WriteBatch>();
        var current = new List<CqlWrite>(MaxStatements);
        foreach (var partition in writes.GroupBy(write => write.Partition, StringComparer.Ordinal))
        {
            foreach (var chunk in partition.Chunk(MaxStatements))
            {
                if (current.Count + chunk.Length > MaxStatements)
                {
                    batches.Add(new WriteBatch(current));
                    current = new List<CqlWrite>(MaxStatements);
                }

                current.AddRange(chunk);
            }
        }

        if (current.Count > 0)
        {
            batches.Add(new WriteBatch(current));
        }

        return batches;
    }
}
