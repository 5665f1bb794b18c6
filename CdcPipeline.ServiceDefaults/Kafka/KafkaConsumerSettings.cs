using Confluent.Kafka;

namespace CdcPipeline.ServiceDefaults.Kafka;

/// <summary>
/// Settings of a Kafka consumer registered with <c>AddKafkaConsumer</c>, bound from
/// <c>Aspire:Confluent:Kafka:Consumer</c>, then <c>ConnectionStrings:{name}</c>, then a delegate.
/// </summary>
public sealed class KafkaConsumerSettings
{
    /// <summary>The bootstrap servers, comma separated (the connection string of resource <c>kafka</c>).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>librdkafka properties, bound from the <c>Config</c> sub-section by their librdkafka names.</summary>
    public ConsumerConfig Config { get; } = new();

    public bool DisableHealthChecks { get; set; }

    public bool DisableTracing { get; set; }

    public bool DisableMetrics { get; set; }
}
