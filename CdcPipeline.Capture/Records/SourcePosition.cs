namespace CdcPipeline.Capture.Records;

/// <summary>
/// Where a record comes from in PostgreSQL: the <c>source</c> block's <c>ts_*</c> (commit time, or the snapshot's
/// CURRENT_TIMESTAMP, in microseconds since the epoch), <c>txId</c>, <c>lsn</c> (the change's WAL record, or the
/// snapshot's consistent point) and <c>sequence</c> = [last commit or message LSN before it (null at first), lsn].
/// </summary>
internal readonly record struct SourcePosition(long TimestampMicros, long TransactionId, ulong Lsn, ulong? LastCommitLsn);
