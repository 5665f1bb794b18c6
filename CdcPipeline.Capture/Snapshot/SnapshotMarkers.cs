using CdcPipeline.Capture.Records;

namespace CdcPipeline.Capture.Snapshot;

/// <summary>
/// Debezium's <c>source.snapshot</c> value of a snapshot record (RelationalSnapshotChangeEventSource, legacy
/// table-by-table path): <c>last</c> for the last record of the last table, else <c>first</c> for the first record of
/// the first table, else <c>last_in_data_collection</c> / <c>first_in_data_collection</c> for a table's last / first
/// record, else <c>true</c>. Debezium then holds back one record and rewrites the very last one it emits to
/// <c>last</c> — which covers a last table that is empty.
/// </summary>
internal static class SnapshotMarkers
{
    public static SnapshotMarker For(bool firstTable, bool lastTable, bool firstInTable, bool lastInTable) =>
        (lastInTable && lastTable) ? SnapshotMarker.Last
        : (firstInTable && firstTable) ? SnapshotMarker.First
        : lastInTable ? SnapshotMarker.LastInDataCollection
        : firstInTable ? SnapshotMarker.FirstInDataCollection
        : SnapshotMarker.True;
}
