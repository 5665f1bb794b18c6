using System.Diagnostics;
using System.Text;
using Confluent.Kafka;

namespace CdcPipeline.ServiceDefaults.Kafka;

/// <summary>W3C trace context carried in Kafka message headers (<c>traceparent</c>, <c>tracestate</c>).</summary>
public static class KafkaTraceContext
{
    public const string TraceParentHeader = "traceparent";
    public const string TraceStateHeader = "tracestate";

    /// <summary>Writes the activity's context into the headers, replacing any earlier one.</summary>
    public static void Inject(Activity activity, Headers headers)
    {
        ArgumentNullException.ThrowIfNull(activity);
        ArgumentNullException.ThrowIfNull(headers);
        if (activity.IdFormat != ActivityIdFormat.W3C)
        {
            return;
        }

        headers.Remove(TraceParentHeader);
        headers.Remove(TraceStateHeader);
        headers.Add(TraceParentHeader, Encoding.ASCII.GetBytes(activity.Id!));
        if (!string.IsNullOrEmpty(activity.TraceStateString))
        {
            headers.Add(TraceStateHeader, Encoding.ASCII.GetBytes(activity.TraceStateString));
        }
    }

    /// <summary>The <c>traceparent</c> header as received, or null when there is none or it is not a W3C traceparent.</summary>
    public static string? TraceParent(Headers? headers)
    {
        if (headers is null || !headers.TryGetLastBytes(TraceParentHeader, out var bytes))
        {
            return null;
        }

        var traceParent = Encoding.ASCII.GetString(bytes);
        return ActivityContext.TryParse(traceParent, traceState: null, out _) ? traceParent : null;
    }

    /// <summary>The producer's context from the headers, or <c>default</c> when there is none or it is malformed.</summary>
    public static ActivityContext Extract(Headers? headers)
    {
        if (headers is null || !headers.TryGetLastBytes(TraceParentHeader, out var parent))
        {
            return default;
        }

        string? state = headers.TryGetLastBytes(TraceStateHeader, out var stateBytes)
            ? Encoding.ASCII.GetString(stateBytes)
            : null;
        return ActivityContext.TryParse(Encoding.ASCII.GetString(parent), state, isRemote: true, out var context)
            ? context
            : default;
    }
}
