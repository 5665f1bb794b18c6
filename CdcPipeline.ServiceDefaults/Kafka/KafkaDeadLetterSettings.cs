using Confluent.Kafka;

namespace CdcPipeline.ServiceDefaults.Kafka;

/// <summary>
/// Settings of the <see cref="KafkaDeadLetterPublisher"/> registered with <c>AddKafkaDeadLetterPublisher</c>, bound
/// from <c>Aspire:Confluent:Kafka:DeadLetter</c>, then <c>ConnectionStrings:{name}</c>, then a delegate.
/// Its producer is always idempotent with acks from all in-sync replicas.
/// </summary>
public sealed class KafkaDeadLetterSettings
{
    public const string DefaultTopicSuffix = ".dlq";

    /// <summary><c>message.timeout.ms</c> of the dead-letter producer unless configured: a bounded wait per dead letter.</summary>
    public const int DefaultMessageTimeoutMs = 30_000;

    /// <summary>The bootstrap servers, comma separated (the connection string of resource <c>kafka</c>).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>A message from topic <c>t</c> goes to <c>t{TopicSuffix}</c>.</summary>
    public string TopicSuffix { get; set; } = DefaultTopicSuffix;

    /// <summary>librdkafka properties of the dead-letter producer, by their librdkafka names.</summary>
    public ProducerConfig Config { get; } = new();

    /// <summary>No health check <c>kafka-dead-letter-{name}</c>.</summary>
    public bool DisableHealthChecks { get; set; }

    /// <summary>No <c>send</c> spans for dead letters.</summary>
    public bool DisableTracing { get; set; }

    /// <summary>No produced / failed counters for the dead-letter producer (dead letters are still counted).</summary>
    public bool DisableMetrics { get; set; }
}
