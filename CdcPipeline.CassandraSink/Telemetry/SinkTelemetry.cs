using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace CdcPipeline.CassandraSink.Telemetry;

/// <summary>The activity source and meter of the sink.</summary>
internal static class SinkTelemetry
{
    public const string Name = "CdcPipeline.CassandraSink";

    public static readonly ActivitySource ActivitySource = new(Name);

    public static readonly Meter Meter = new(Name);

    /// <summary>Changes written to Cassandra, by PostgreSQL table and operation (c, r, u, d).</summary>
    public static readonly Counter<long> ChangesApplied = Meter.CreateCounter<long>(
        "cdc.sink.changes.applied", "{change}", "Changes applied to Cassandra.");

    /// <summary>Changes of tables the sink does not know, by table.</summary>
    public static readonly Counter<long> ChangesIgnored = Meter.CreateCounter<long>(
        "cdc.sink.changes.ignored", "{change}", "Changes of tables the sink does not know.");

    /// <summary>Tombstones (null values after deletes), by topic.</summary>
    public static readonly Counter<long> Tombstones = Meter.CreateCounter<long>(
        "cdc.sink.tombstones", "{message}", "Tombstones skipped.");

    /// <summary>Attempts to apply a batch that Cassandra refused.</summary>
    public static readonly Counter<long> BatchRetries = Meter.CreateCounter<long>(
        "cdc.sink.batch.retries", "{retry}", "Batches retried after a Cassandra failure.");

    /// <summary>Messages per consumed batch.</summary>
    public static readonly Histogram<int> BatchSize = Meter.CreateHistogram<int>(
        "cdc.sink.batch.size", "{message}", "Messages per consumed batch.");

    /// <summary>Source resets seen (a re-snapshot after streaming, an LSN going far back), by topic.</summary>
    public static readonly Counter<long> SourceResets = Meter.CreateCounter<long>(
        "cdc.sink.source.resets", "{reset}", "Re-snapshots or LSN resets of the source seen on a change topic partition.");

    /// <summary>End-to-end lag: from the commit in PostgreSQL (source.ts_ms) to the change applied in Cassandra.</summary>
    public static readonly Histogram<double> ChangeLag = Meter.CreateHistogram<double>(
        "cdc.sink.change.lag", "s", "Seconds from the change's commit in PostgreSQL (source.ts_ms) until it was applied to Cassandra.");

    /// <summary>
    /// Freshness: from the Producer's event (the time it put into the row, <see cref="Decoding.EventTime"/>) until
    /// Cassandra acknowledged the change, by table.
    /// </summary>
    public static readonly Histogram<double> Freshness = Meter.CreateHistogram(
        "cdc.pipeline.freshness", "s", "Seconds from the Producer's event (the time it put into the row) until Cassandra acknowledged the change.",
        tags: null,
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] });

    public const string TableTag = "db.collection.name";
    public const string OperationTag = "cdc.operation";
    public const string TopicTag = "messaging.destination.name";
}
