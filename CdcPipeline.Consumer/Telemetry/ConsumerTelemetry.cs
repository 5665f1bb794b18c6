using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace CdcPipeline.Consumer.Telemetry;

/// <summary>
/// The Consumer's activity source and its metrics (meter <c>CdcPipeline.Consumer</c>). Lag per partition is the
/// Kafka integration's gauge <c>cdc.kafka.consumer.lag</c>, fed by librdkafka statistics; dead letters are counted by
/// the Kafka integration's <c>cdc.kafka.messages.dead_lettered</c>.
/// </summary>
internal sealed class ConsumerTelemetry : IDisposable
{
    public const string Name = "CdcPipeline.Consumer";

    public static readonly ActivitySource ActivitySource = new(Name);

    private readonly Meter _meter;
    private readonly Counter<long> _applied;
    private readonly Counter<long> _awaitingUser;
    private readonly Counter<long> _stale;
    private readonly UpDownCounter<long> _parked;
    private readonly Histogram<int> _batchSize;

    public ConsumerTelemetry(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(Name);
        _applied = _meter.CreateCounter<long>("cdc.consumer.events.applied", "{event}",
            "Events applied to PostgreSQL (rate: events applied per second).");
        _stale = _meter.CreateCounter<long>("cdc.consumer.events.stale", "{event}",
            "Events skipped because the row already holds newer data (older or redelivered events).");
        _awaitingUser = _meter.CreateCounter<long>("cdc.consumer.events.awaiting_user", "{event}",
            "Events parked: orders that arrived before their user, and later events of those orders.");
        _parked = _meter.CreateUpDownCounter<long>("cdc.consumer.events.parked", "{event}",
            "Events parked now, waiting for an order's user; their offsets and everything after them are not committed yet.");
        _batchSize = _meter.CreateHistogram<int>("cdc.consumer.batch.size", "{event}",
            "Events per batch written in one transaction.");
    }

    public void RecordBatch(string topic, int size, int applied, int stale)
    {
        _batchSize.Record(size, new KeyValuePair<string, object?>("messaging.destination.name", topic));
        RecordApplied(topic, applied, stale);
    }

    /// <summary>Events applied or found stale: of a batch, or parked ones when their user arrived.</summary>
    public void RecordApplied(string topic, int applied, int stale)
    {
        var tag = new KeyValuePair<string, object?>("messaging.destination.name", topic);
        if (applied > 0)
        {
            _applied.Add(applied, tag);
        }

        if (stale > 0)
        {
            _stale.Add(stale, tag);
        }
    }

    /// <summary>Events entered (positive) or left (negative) the park of a partition of <paramref name="topic"/>.</summary>
    public void RecordParked(string topic, int change)
    {
        var tag = new KeyValuePair<string, object?>("messaging.destination.name", topic);
        if (change > 0)
        {
            _awaitingUser.Add(change, tag);
        }

        _parked.Add(change, tag);
    }

    public void Dispose() => _meter.Dispose();
}
