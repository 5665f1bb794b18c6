using CdcPipeline.AppHost.Capture;
using CdcPipeline.ServiceDefaults.Kafka;

namespace CdcPipeline.AppHost.Kafka;

/// <summary>A topic and the partitions the services expect it to have.</summary>
internal sealed record KafkaTopic(string Name, int Partitions);

/// <summary>
/// Every topic of the pipeline with its partition count, in one place: the event topics (also handed to the Producer,
/// which ensures them), the change topics of the capture, the dead-letter topic of each, and the capture's
/// bookkeeping topics. The local profile creates all of them up front, since its in-memory cluster has no topic
/// administration.
/// </summary>
internal sealed class PipelineTopics(CaptureSettings capture)
{
    public static readonly KafkaTopic Users = new("users", 3);
    public static readonly KafkaTopic Orders = new("orders", 5);

    public IReadOnlyList<KafkaTopic> Events { get; } = [Users, Orders];

    public IReadOnlyList<KafkaTopic> Changes { get; } = [.. capture.ChangeTopics.Select(name => new KafkaTopic(name, capture.TopicPartitions))];

    /// <summary><c>&lt;topic&gt;.dlq</c> of every event and change topic, with its origin's partitions (as the dead-letter publisher creates them).</summary>
    public IEnumerable<KafkaTopic> DeadLetters =>
        Events.Concat(Changes).Select(topic => topic with { Name = topic.Name + KafkaDeadLetterSettings.DefaultTopicSuffix });

    /// <summary>The built-in capture's offsets and Debezium's heartbeats: one partition each.</summary>
    public IReadOnlyList<KafkaTopic> Capture { get; } = [new(CaptureSettings.OffsetsTopic, 1), new(capture.HeartbeatTopic, 1)];

    public IEnumerable<KafkaTopic> All => Events.Concat(Changes).Concat(DeadLetters).Concat(Capture);
}
