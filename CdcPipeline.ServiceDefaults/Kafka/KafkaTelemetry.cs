using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace CdcPipeline.ServiceDefaults.Kafka;

/// <summary>The activity source and meter of the Kafka integration (OpenTelemetry messaging conventions).</summary>
public static class KafkaTelemetry
{
    public const string Name = "CdcPipeline.Kafka";

    public static readonly ActivitySource ActivitySource = new(Name);

    public static readonly Meter Meter = new(Name);
}
