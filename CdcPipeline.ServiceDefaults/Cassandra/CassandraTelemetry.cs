using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace CdcPipeline.ServiceDefaults.Cassandra;

/// <summary>
/// Telemetry of the CQL client: the activity source of its client spans (<see cref="CqlActivities"/>) and the request
/// duration histogram of meter <c>CdcPipeline.Cassandra</c>, from the host's <see cref="IMeterFactory"/>, by the
/// database conventions. One per host, registered by <c>AddCassandraSession</c>.
/// </summary>
public sealed class CassandraTelemetry : IDisposable
{
    public const string ActivitySourceName = "CdcPipeline.Cassandra";

    public const string MeterName = "CdcPipeline.Cassandra";

    public static readonly ActivitySource ActivitySource = new(ActivitySourceName);

    private readonly Meter _meter;
    private readonly Histogram<double> _operationDuration;

    public CassandraTelemetry(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meter = meterFactory.Create(MeterName);
        _operationDuration = _meter.CreateHistogram(
            "db.client.operation.duration",
            unit: "s",
            description: "Duration of CQL requests, from sending (or connecting) to the response.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10] });
    }

    internal void RecordDuration(TimeSpan duration, string operation, string? keyspace, string? errorType)
    {
        var tags = new TagList
        {
            { "db.system.name", "cassandra" },
            { "db.operation.name", operation },
        };
        if (keyspace is not null)
        {
            tags.Add("db.namespace", keyspace);
        }

        if (errorType is not null)
        {
            tags.Add("error.type", errorType);
        }

        _operationDuration.Record(duration.TotalSeconds, tags);
    }

    public void Dispose() => _meter.Dispose();
}
