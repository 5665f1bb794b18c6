using System.Globalization;
using CdcPipeline.AppHost.Local.Kafka;
using Confluent.Kafka;

namespace CdcPipeline.Tests.Reliability;

/// <summary>
/// One fault of a schedule: when it starts (from the start of the faults), what it breaks and its parameters.
/// Parameters a kind does not use keep their defaults.
/// </summary>
internal sealed record PlannedFault(TimeSpan At, FaultKind Kind)
{
    /// <summary>How long the broken thing stays down (a killed service, a broker, PostgreSQL).</summary>
    public TimeSpan Downtime { get; init; }

    /// <summary>The broker set down, or the partition's new leader.</summary>
    public int Broker { get; init; }

    public string Topic { get; init; } = string.Empty;

    public int Partition { get; init; }

    /// <summary>Requests or statements failed.</summary>
    public int Count { get; init; }

    public KafkaApiKey Api { get; init; }

    public ErrorCode Error { get; init; }

    public override string ToString()
    {
        var what = Kind switch
        {
            FaultKind.ProducerKilled or FaultKind.ConsumerKilled or FaultKind.CaptureKilled or FaultKind.SinkKilled =>
                $"SIGKILL {Service(Kind)}, restarted after {Seconds(Downtime)}",
            FaultKind.BrokerDown => $"Kafka broker {Broker} down for {Seconds(Downtime)}",
            FaultKind.PartitionLeaderMoved => $"leader of {Topic}[{Partition}] moved to broker {Broker}",
            FaultKind.KafkaRequestErrors => $"next {Count} {Api} requests fail with {Error}",
            FaultKind.PostgresRestarted => $"PostgreSQL restarted, down for {Seconds(Downtime)}",
            FaultKind.PostgresConnectionsKilled => "PostgreSQL connections killed (pg_terminate_backend)",
            FaultKind.CqlConnectionsDropped => "CQL server drops every connection",
            FaultKind.CqlTimeouts => $"next {Count} CQL statements applied and answered with a timeout",
            FaultKind.CqlOverloaded => $"next {Count} CQL statements refused as overloaded",
            _ => Kind.ToString(),
        };
        return $"+{At.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture),6} s  {what}";
    }

    /// <summary>The service a kill fault aims at, by its AppHost resource name.</summary>
    public static string Service(FaultKind kind) => kind switch
    {
        FaultKind.ProducerKilled => "producer",
        FaultKind.ConsumerKilled => "consumer",
        FaultKind.CaptureKilled => "capture",
        FaultKind.SinkKilled => "cassandra-sink",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a service kill"),
    };

    private static string Seconds(TimeSpan span) => $"{span.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s";
}
