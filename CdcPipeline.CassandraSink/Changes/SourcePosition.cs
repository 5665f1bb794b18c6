namespace CdcPipeline.CassandraSink.Changes;

/// <summary>
/// Where a change sits in PostgreSQL's write-ahead log, from Debezium's <c>source</c> block.
/// </summary>
/// <param name="Lsn"><c>source.lsn</c>: the WAL position of the change record (of the snapshot, for snapshot reads).</param>
/// <param name="LastCommitLsn">
/// First element of <c>source.sequence</c>: the commit position of the transaction before this one; null when absent
/// or not an LSN (it only serves to detect a source reset).
/// </param>
/// <param name="IsSnapshot">The change was read by a snapshot (<c>op</c> r or <c>source.snapshot</c> other than false).</param>
/// <param name="IsIncrementalSnapshot">An incremental snapshot read (<c>source.snapshot</c> incremental): interleaved with streaming by design.</param>
/// <param name="SourceTime"><c>source.ts_ms</c>: when the change was committed in PostgreSQL (when read, for snapshots).</param>
internal sealed record SourcePosition(
    long Lsn, long? LastCommitLsn, bool IsSnapshot, bool IsIncrementalSnapshot = false, DateTimeOffset? SourceTime = null);
