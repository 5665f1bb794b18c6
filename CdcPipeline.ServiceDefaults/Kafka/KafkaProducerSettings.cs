using Confluent.Kafka;

namespace CdcPipeline.ServiceDefaults.Kafka;

/// <summary>
/// Settings of a Kafka producer registered with <c>AddKafkaProducer</c>, bound from
/// <c>Aspire:Confluent:Kafka:Producer</c>, then <c>ConnectionStrings:{name}</c>, then a delegate.
/// </summary>
public sealed class KafkaProducerSettings
{
    /// <summary>The bootstrap servers, comma separated (the connection string of resource <c>kafka</c>).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>librdkafka properties, bound from the <c>Config</c> sub-section by their librdkafka names.</summary>
    public ProducerConfig Config { get; } = new();

    /// <summary>No health check <c>kafka-producer-{name}</c>.</summary>
    public bool DisableHealthChecks { get; set; }

    /// <summary>No <c>send</c> spans; the ambient trace context is still written into the headers.</summary>
    public bool DisableTracing { get; set; }

    /// <summary>No produced / failed counters.</summary>
    public bool DisableMetrics { get; set; }
}
