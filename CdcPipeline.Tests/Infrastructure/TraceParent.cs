using System.Diagnostics;

namespace CdcPipeline.Tests.Infrastructure;

/// <summary>A producer's span context as a W3C <c>traceparent</c> header.</summary>
internal sealed record TraceParent(ActivityTraceId TraceId, ActivitySpanId SpanId)
{
    public string Value => $"00-{TraceId}-{SpanId}-01";

    public KeyValuePair<string, string> Header => new("traceparent", Value);

    public static TraceParent Random() => new(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom());
}
