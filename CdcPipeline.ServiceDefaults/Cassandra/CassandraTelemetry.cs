using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace CdcPipeline.ServiceDefaults.Cassandra;

/// <summary>Telemetry of the CQL client: one client span per statement or batch and a request duration histogram, by the database conventions.</summary>
public static class CassandraTelemetry
{
    public const string ActivitySourceName = "CdcPipeline.Cassandra";

    public const string MeterName = "CdcPipeline.Cassandra";

    public static readonly ActivitySource ActivitySource = new(ActivitySourceName);

    private static readonly Meter Meter = new(MeterName);

    private static readonly Histogram<double> OperationDuration = Meter.CreateHistogram(
        "db.client.operation.duration",
        unit: "s",
        description: "Duration of CQL requests, from sending (or connecting) to the response.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10] });

    internal static Activity? StartStatement(string operation, string queryText, string? keyspace, CqlConsistency consistency)
    {
        var activity = ActivitySource.StartActivity(keyspace is null ? operation : $"{operation} {keyspace}", ActivityKind.Client);
        if (activity is null)
        {
            return null;
        }

        activity.SetTag("db.system", "cassandra");
        activity.SetTag("db.system.name", "cassandra");
        activity.SetTag("db.operation.name", operation);
        activity.SetTag("db.query.text", queryText);
        if (keyspace is not null)
        {
            activity.SetTag("db.namespace", keyspace);
        }

        activity.SetTag("db.cassandra.consistency_level", consistency.ToString().ToLowerInvariant());
        return activity;
    }

    internal static void SetServer(Activity? activity, string endpoint)
    {
        var separator = endpoint.LastIndexOf(':');
        if (activity is not null && separator > 0)
        {
            activity.SetTag("server.address", endpoint[..separator]);
            activity.SetTag("server.port", int.Parse(endpoint[(separator + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Marks the span failed; returns the <c>error.type</c> value.</summary>
    internal static string RecordError(Activity? activity, Exception exception)
    {
        var errorType = exception is CqlServerException server ? $"0x{(int)server.Code:X4}" : exception.GetType().Name;
        if (activity is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, exception.Message);
            activity.SetTag("error.type", errorType);
            if (exception is CqlServerException serverError)
            {
                activity.SetTag("db.response.status_code", $"0x{(int)serverError.Code:X4}");
            }
        }

        return errorType;
    }

    internal static void RecordDuration(TimeSpan duration, string operation, string? keyspace, string? errorType)
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

        OperationDuration.Record(duration.TotalSeconds, tags);
    }

    /// <summary>The first keyword of a statement (<c>INSERT</c>, <c>SELECT</c>, ...).</summary>
    internal static string OperationOf(string query)
    {
        var text = query.AsSpan().TrimStart();
        var end = 0;
        while (end < text.Length && char.IsLetter(text[end]))
        {
            end++;
        }

        return end == 0 ? "CQL" : text[..end].ToString().ToUpperInvariant();
    }
}
