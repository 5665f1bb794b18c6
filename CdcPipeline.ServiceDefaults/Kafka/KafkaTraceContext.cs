using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using OpenTelemetry;
using OpenTelemetry.Context.Propagation;

namespace CdcPipeline.ServiceDefaults.Kafka;

/// <summary>
/// The trace context and baggage carried in Kafka message headers, written and read by OpenTelemetry's default
/// propagator (W3C <c>traceparent</c> / <c>tracestate</c> and <c>baggage</c> unless the application chose another).
/// </summary>
public static class KafkaTraceContext
{
    public const string TraceParentHeader = "traceparent";

    private static readonly string[] W3cHeaders = [TraceParentHeader, "tracestate", "baggage"];

    static KafkaTraceContext()
    {
        // The SDK installs its default propagator in its static constructor; OpenTelemetry's hosting code touches
        // it the same way, so a process that has not registered OpenTelemetry still propagates.
        _ = Sdk.SuppressInstrumentation;
    }

    private static TextMapPropagator Propagator => Propagators.DefaultTextMapPropagator;

    /// <summary>Writes the activity's context and the current baggage into the headers, replacing any earlier ones.</summary>
    public static void Inject(Activity activity, Headers headers)
    {
        ArgumentNullException.ThrowIfNull(activity);
        ArgumentNullException.ThrowIfNull(headers);
        if (activity.IdFormat != ActivityIdFormat.W3C)
        {
            return;
        }

        foreach (var name in W3cHeaders)
        {
            headers.Remove(name);
        }

        foreach (var name in Propagator.Fields ?? Enumerable.Empty<string>())
        {
            headers.Remove(name);
        }

        Propagator.Inject(new PropagationContext(activity.Context, Baggage.Current), headers, SetHeader);
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

    /// <summary>
    /// The producer's trace context and baggage from the headers; its <see cref="PropagationContext.ActivityContext"/>
    /// is <c>default</c> when there is none or it is malformed.
    /// </summary>
    public static PropagationContext Extract(Headers? headers) =>
        headers is null ? default : Propagator.Extract(default, headers, GetHeader);

    private static void SetHeader(Headers headers, string name, string value) =>
        headers.Add(name, Encoding.UTF8.GetBytes(value));

    private static IEnumerable<string> GetHeader(Headers headers, string name) =>
        headers.TryGetLastBytes(name, out var bytes) ? [Encoding.UTF8.GetString(bytes)] : [];
}
