using System.Diagnostics;

namespace CdcPipeline.CassandraSink.Cql;

/// <summary>The activity source of the CQL client: one client span per statement or batch, tagged by the database conventions.</summary>
public static class CassandraTelemetry
{
    public const string ActivitySourceName = "CdcPipeline.Cassandra";

    public static readonly ActivitySource ActivitySource = new(ActivitySourceName);

    internal static Activity? StartStatement(string operation, string queryText, string? keyspace, string endpoint, CqlConsistency consistency)
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

        var separator = endpoint.LastIndexOf(':');
        if (separator > 0)
        {
            activity.SetTag("server.address", endpoint[..separator]);
            activity.SetTag("server.port", int.Parse(endpoint[(separator + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        }

        activity.SetTag("db.cassandra.consistency_level", consistency.ToString().ToLowerInvariant());
        return activity;
    }

    internal static void RecordError(Activity? activity, Exception exception)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetStatus(ActivityStatusCode.Error, exception.Message);
        activity.SetTag("error.type", exception.GetType().FullName);
        if (exception is CqlServerException server)
        {
            activity.SetTag("db.response.status_code", $"0x{(int)server.Code:X4}");
        }
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
