using Confluent.Kafka;

namespace CdcPipeline.ServiceDefaults.Kafka;

/// <summary>
/// Settings of a Kafka consumer registered with <c>AddKafkaConsumer</c>, bound from
/// <c>Aspire:Confluent:Kafka:Consumer</c>, then <c>ConnectionStrings:{name}</c>, then a delegate.
/// </summary>
public sealed class KafkaConsumerSettings
{
    /// <summary>
    /// <c>statistics.interval.ms</c> when none is configured: the lag gauge's refresh, and how soon a broker's recovery
    /// from an outage is told.
    /// </summary>
    public const int DefaultStatisticsIntervalMs = 5000;

    /// <summary>
    /// <c>fetch.wait.max.ms</c> when none is configured, instead of librdkafka's 500: the longest a fetch that found
    /// nothing waits. A broker answers as soon as data arrives, but the in-memory cluster of the local profile (the
    /// librdkafka mock) waits out the whole time, which put up to half a second on every consumer hop; on a broker it
    /// costs a few more idle fetches a second.
    /// </summary>
    public const int DefaultFetchWaitMaxMs = 100;

    /// <summary>The bootstrap servers, comma separated (the connection string of resource <c>kafka</c>).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>librdkafka properties, bound from the <c>Config</c> sub-section by their librdkafka names.</summary>
    public ConsumerConfig Config { get; } = new();

    /// <summary>No health check <c>kafka-consumer-{name}</c>.</summary>
    public bool DisableHealthChecks { get; set; }

    /// <summary>Kept for the Aspire shape: consumer spans are started by the service with <c>KafkaActivities.StartProcess</c>.</summary>
    public bool DisableTracing { get; set; }

    /// <summary>No consumed / error counters and no lag gauge.</summary>
    public bool DisableMetrics { get; set; }
}
