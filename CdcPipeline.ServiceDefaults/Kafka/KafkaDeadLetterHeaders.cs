namespace CdcPipeline.ServiceDefaults.Kafka;

/// <summary>Headers a dead letter carries besides the original message's own.</summary>
internal static class KafkaDeadLetterHeaders
{
    /// <summary>Why the message was set aside, in words a person can act on.</summary>
    public const string Reason = "dlq.reason";

    /// <summary>The exception, as <c>{type}: {message}</c>, when there was one.</summary>
    public const string Error = "dlq.error";

    public const string OriginTopic = "dlq.origin.topic";

    public const string OriginPartition = "dlq.origin.partition";

    public const string OriginOffset = "dlq.origin.offset";

    /// <summary>
    /// Present when the value was too large for the dead-letter topic: the original value's length in bytes. The dead
    /// letter then holds the value's first <see cref="KafkaDeadLetterPublisher.TruncatedValueBytes"/> bytes; the whole
    /// message stays at its origin offset.
    /// </summary>
    public const string ValueTruncated = "dlq.value.truncated";

    /// <summary>When it was dead-lettered, ISO 8601 UTC.</summary>
    public const string Timestamp = "dlq.timestamp";

    internal const string Prefix = "dlq.";
}
