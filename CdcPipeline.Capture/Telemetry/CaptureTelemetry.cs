using System.Diagnostics;
using System.Diagnostics.Metrics;
using CdcPipeline.Capture.Records;

namespace CdcPipeline.Capture.Telemetry;

/// <summary>
/// The capture's activity source (<c>capture transaction</c>, <c>capture {schema}.{table}</c>) and its metrics
/// (meter <c>CdcPipeline.Capture</c>).
/// </summary>
internal sealed class CaptureTelemetry : IDisposable
{
    public const string Name = "CdcPipeline.Capture";

    public const string TableTag = "cdc.table";
    public const string OperationTag = "cdc.operation";

    public static readonly ActivitySource ActivitySource = new(Name);

    private readonly Meter _meter;
    private readonly Counter<long> _published;
    private readonly Counter<long> _ignored;
    private readonly Counter<long> _snapshotRows;
    private readonly Counter<long> _snapshotTables;
    private readonly Counter<long> _heartbeats;
    private readonly Histogram<double> _ackLatency;

    public CaptureTelemetry(IMeterFactory meterFactory, ReplicationProgress progress)
    {
        _meter = meterFactory.Create(Name);
        _published = _meter.CreateCounter<long>("cdc.capture.changes.published", "{change}",
            "Change records acknowledged by Kafka, by table and operation (tombstones not counted).");
        _ignored = _meter.CreateCounter<long>("cdc.capture.changes.ignored", "{change}",
            "Changes of tables in the publication but not in Capture:Tables, and logical messages, not published.");
        _snapshotRows = _meter.CreateCounter<long>("cdc.capture.snapshot.rows", "{row}",
            "Rows read by the initial snapshot, by table.");
        _snapshotTables = _meter.CreateCounter<long>("cdc.capture.snapshot.tables", "{table}",
            "Tables the initial snapshot has finished reading.");
        _heartbeats = _meter.CreateCounter<long>("cdc.capture.heartbeats", "{heartbeat}",
            "Heartbeat records published.");
        _ackLatency = _meter.CreateHistogram<double>("cdc.capture.commit.ack.duration", "s",
            "From a transaction's commit in PostgreSQL to Kafka's acknowledgement of its last record.");
        _meter.CreateObservableGauge("cdc.capture.replication.lag.bytes", () => progress.LagBytes, "By",
            "WAL bytes the server has written beyond the position acknowledged to the slot.");
        _meter.CreateObservableGauge("cdc.capture.replication.lag.seconds", () => progress.LagTime.TotalSeconds, "s",
            "Now minus the commit time of the last transaction received, while it is not yet acknowledged.");
    }

    public void Published(string table, ChangeKind kind) =>
        _published.Add(1, new KeyValuePair<string, object?>(TableTag, table), new KeyValuePair<string, object?>(OperationTag, Operation(kind)));

    public void Ignored(string table) => _ignored.Add(1, new KeyValuePair<string, object?>(TableTag, table));

    public void SnapshotRow(string table) => _snapshotRows.Add(1, new KeyValuePair<string, object?>(TableTag, table));

    public void SnapshotTableDone(string table) => _snapshotTables.Add(1, new KeyValuePair<string, object?>(TableTag, table));

    public void Heartbeat() => _heartbeats.Add(1);

    public void CommitAcknowledged(TimeSpan latency) => _ackLatency.Record(latency.TotalSeconds);

    public static string Operation(ChangeKind kind) => kind switch
    {
        ChangeKind.Read => "r",
        ChangeKind.Create => "c",
        ChangeKind.Update => "u",
        ChangeKind.Delete => "d",
        _ => "t",
    };

    public void Dispose() => _meter.Dispose();
}
