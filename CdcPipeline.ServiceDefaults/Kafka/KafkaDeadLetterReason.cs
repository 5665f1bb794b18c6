namespace CdcPipeline.ServiceDefaults.Kafka;

/// <summary>Why a message is dead-lettered: its <see cref="Kind"/>, the reason a person reads, and the error if there was one.</summary>
public sealed record KafkaDeadLetterReason(KafkaDeadLetterKind Kind, string Text, Exception? Error = null)
{
    /// <summary>The kind as the metric tag value: <c>invalid</c>, <c>rejected</c>, <c>missing-row</c>, <c>missing-user</c>.</summary>
    public string KindName => Kind switch
    {
        KafkaDeadLetterKind.Invalid => "invalid",
        KafkaDeadLetterKind.Rejected => "rejected",
        KafkaDeadLetterKind.MissingRow => "missing-row",
        KafkaDeadLetterKind.MissingUser => "missing-user",
        _ => throw new ArgumentOutOfRangeException(nameof(Kind), Kind, "unknown dead-letter kind"),
    };
}
