namespace CdcPipeline.Capture.Options;

/// <summary>Debezium's <c>snapshot.mode</c>, for the two modes the capture offers.</summary>
public enum SnapshotMode
{
    /// <summary>Snapshot every captured table when the slot is created (or the last snapshot did not complete), then stream.</summary>
    Initial,

    /// <summary>No snapshot: stream from the slot's position (Debezium's <c>no_data</c>).</summary>
    NoData,
}
