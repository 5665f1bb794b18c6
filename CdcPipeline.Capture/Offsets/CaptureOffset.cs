namespace CdcPipeline.Capture.Offsets;

/// <summary>
/// What the capture records about a slot in its offsets topic (key: the slot name): whether the slot's snapshot
/// completed, at which LSN (the slot's consistent point) and with which snapshot time.
/// </summary>
internal sealed record CaptureOffset(string Slot, bool SnapshotCompleted, ulong? SnapshotLsn, long? SnapshotTimestampMicros);
