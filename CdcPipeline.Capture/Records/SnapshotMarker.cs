namespace CdcPipeline.Capture.Records;

/// <summary>
/// <c>source.snapshot</c> (Debezium's SnapshotRecord, written as <c>io.debezium.data.Enum</c>): which place a record
/// has in the initial snapshot, or <see cref="False"/> for streamed changes (the schema's default, which the
/// JsonConverter writes for the unset field).
/// </summary>
internal enum SnapshotMarker : byte
{
    False,
    True,
    First,
    FirstInDataCollection,
    LastInDataCollection,
    Last,
}
