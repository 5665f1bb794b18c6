using CdcPipeline.CassandraSink.Changes;

namespace CdcPipeline.CassandraSink.Writing;

/// <summary>
/// The Cassandra write timestamp (<c>USING TIMESTAMP</c>) of every write a change causes: its position in
/// PostgreSQL's commit order, so that last-write-wins in Cassandra means last-commit-wins.
/// </summary>
/// <remarks>
/// <para>Streamed changes (c, u, d): <c>2^62 + source.lsn</c>. Snapshot reads (r): <c>source.lsn</c>, the snapshot's LSN.</para>
/// <para>Why the change's own LSN orders the changes of one row: PostgreSQL locks a row from the change until its
/// transaction ends, so a later transaction's change of that row is written to the WAL after the earlier
/// transaction's commit record, and within a transaction later changes have higher LSNs. Every Cassandra row the
/// sink writes belongs to exactly one PostgreSQL row (orders_by_user rows carry the order id), so the writes to a
/// Cassandra row are ordered as their PostgreSQL changes were committed. Two different changes of one row are two
/// WAL records, hence two LSNs: they never tie. A replayed change carries the same timestamp and rewrites the same
/// values; a late or reordered older change loses to the newer one already written (and a delete's tombstone
/// shadows older inserts). <c>source.sequence</c>'s lastCommitLsn and <c>txId</c> are not needed for this.</para>
/// <para>Snapshot reads all carry the snapshot's LSN, yet a transaction that was running when the snapshot was
/// taken can commit after it with changes whose LSNs are lower. The separate, lower range for snapshot reads makes
/// every streamed change newer than every snapshot read; a later snapshot still wins over an earlier one.</para>
/// </remarks>
internal static class WriteTimestamp
{
    /// <summary>LSNs are WAL byte positions; 2^62 bytes is far beyond any real server.</summary>
    public const long MaxLsn = 1L << 62;

    private const long StreamedBase = 1L << 62;

    public static long Of(SourcePosition position)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(position.Lsn);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(position.Lsn, MaxLsn);
        return position.IsSnapshot ? position.Lsn : StreamedBase + position.Lsn;
    }
}
