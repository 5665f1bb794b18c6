namespace CdcPipeline.Capture.Snapshot;

/// <summary>What the snapshot read: rows and tables, and its CURRENT_TIMESTAMP (the records' <c>source.ts_*</c>).</summary>
internal sealed record SnapshotResult(long Rows, int Tables, long TimestampMicros);
