using System.Diagnostics;

namespace CdcPipeline.ServiceDefaults.Cassandra;

/// <summary>The client span of a CQL statement or batch, by the OpenTelemetry database conventions.</summary>
internal static class CqlActivities
{
    internal static Activity? StartStatement(string operation, string queryText, string? keyspace, CqlConsistency consistency)
    {
        var activity = CassandraTelemetry.ActivitySource.StartActivity(keyspace is null ? operation : $"{operation} {keyspace}", ActivityKind.Client);
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
            if (exception is CqlServerException)
            {
                activity.SetTag("db.response.status_code", errorType);
            }
        }

        return errorType;
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
