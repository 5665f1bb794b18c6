using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace CdcPipeline.CassandraSink.Telemetry;

/// <summary>
/// The sink's activity source and its metrics (meter <c>CdcPipeline.CassandraSink</c>, from the host's
/// <see cref="IMeterFactory"/>). Dead letters are counted by the Kafka integration's <c>cdc.kafka.messages.dead_lettered</c>.
/// </summary>
internal sealed class SinkTelemetry : IDisposable
{
    public const string Name = "CdcPipeline.CassandraSink";

    public const string TableTag = "db.collection.name";
    public const string OperationTag = "cdc.operation";
    public const string TopicTag = "messaging.destination.name";

    public static readonly ActivitySource ActivitySource = new(Name);

    private readonly Meter _meter;
    private readonly Counter<long> _changesApplied;
    private readonly Counter<long> _changesIgnored;
    private readonly Counter<long> _tombstones;
    private readonly Counter<long> _batchRetries;
    private readonly Histogram<int> _batchSize;
    private readonly Counter<long> _sourceResets;
    private readonly Histogram<double> _changeLag;
    private readonly Histogram<double> _freshness;

    public SinkTelemetry(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(Name);
        _changesApplied = _meter.CreateCounter<long>("cdc.sink.changes.applied", "{change}", "Changes applied to Cassandra.");
        _changesIgnored = _meter.CreateCounter<long>("cdc.sink.changes.ignored", "{change}", "Changes of tables the sink does not know.");
        _tombstones = _meter.CreateCounter<long>("cdc.sink.tombstones", "{message}", "Tombstones skipped.");
        _batchRetries = _meter.CreateCounter<long>("cdc.sink.batch.retries", "{retry}", "Batches retried after a Cassandra failure.");
        _batchSize = _meter.CreateHistogram<int>("cdc.sink.batch.size", "{message}", "Messages per consumed batch.");
        _sourceResets = _meter.CreateCounter<long>(
            "cdc.sink.source.resets", "{reset}", "Re-snapshots or LSN resets of the source seen on a change topic partition.");
        _changeLag = _meter.CreateHistogram<double>(
            "cdc.sink.change.lag", "s", "Seconds from the change's commit in PostgreSQL (source.ts_ms) until it was applied to Cassandra.");
        _freshness = _meter.CreateHistogram(
            "cdc.pipeline.freshness", "s", "Seconds from the Producer's event (the time it put into the row) until Cassandra acknowledged the change.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] });
    }

    public void RecordBatch(int messages) => _batchSize.Record(messages);

    /// <summary>
    /// A change written to Cassandra, by PostgreSQL table and operation (c, r, u, d), with its lag from the commit in
    /// PostgreSQL (source.ts_ms) and its freshness from the Producer's event (<see cref="Decoding.EventTime"/>) when known.
    /// </summary>
    public void RecordApplied(string table, char operation, TimeSpan? lag, TimeSpan? freshness)
    {
        var tag = new KeyValuePair<string, object?>(TableTag, table);
        if (lag is { } sinceCommit)
        {
            _changeLag.Record(sinceCommit.TotalSeconds, tag);
        }

        if (freshness is { } sinceEvent)
        {
            _freshness.Record(sinceEvent.TotalSeconds, tag);
        }

        _changesApplied.Add(1, tag, new(OperationTag, operation.ToString()));
    }

    /// <summary>A change of a table the sink does not know.</summary>
    public void RecordIgnored(string table) => _changesIgnored.Add(1, new KeyValuePair<string, object?>(TableTag, table));

    /// <summary>A tombstone (the null value after a delete) skipped.</summary>
    public void RecordTombstone(string topic) => _tombstones.Add(1, new KeyValuePair<string, object?>(TopicTag, topic));

    /// <summary>An attempt that Cassandra (or another dependency) refused, retried.</summary>
    public void RecordRetry() => _batchRetries.Add(1);

    /// <summary>A source reset seen (a re-snapshot after streaming, an LSN going far back).</summary>
    public void RecordSourceReset(string topic) => _sourceResets.Add(1, new KeyValuePair<string, object?>(TopicTag, topic));

    public void Dispose() => _meter.Dispose();
}
