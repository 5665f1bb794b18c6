using System.Diagnostics;
using CdcPipeline.Consumer.Decoding;
using CdcPipeline.Consumer.Persistence;
using CdcPipeline.ServiceDefaults.Kafka;
using Confluent.Kafka;

namespace CdcPipeline.Consumer.Processing;

/// <summary>
/// A consumed message on its way through a batch: its process span, its change (or why it has none), what the write
/// made of the change and, when it is to be dead-lettered, why (<see cref="DeadLetterReasons"/>).
/// </summary>
internal sealed class InboundEvent(ConsumeResult<byte[]?, byte[]?> message, Activity? process, DecodeResult decoded)
{
    public ConsumeResult<byte[]?, byte[]?> Message { get; } = message;

    public Activity? Process { get; } = process;

    public EntityChange? Change { get; } = decoded.Change;

    /// <summary>What the last write made of <see cref="Change"/>; null until it was written.</summary>
    public ChangeOutcome? Outcome { get; private set; }

    /// <summary>Why the event is dead-lettered; null while it is applied, stale, waiting for its user or not written yet.</summary>
    public KafkaDeadLetterReason? DeadLetter { get; private set; } = decoded.Error is null ? null : DeadLetterReasons.Invalid(decoded.Error);

    public bool Applied => Outcome is ChangeOutcome.Applied;

    public bool Stale => Outcome is ChangeOutcome.Stale;

    public bool AwaitingUser => Outcome is ChangeOutcome.AwaitingUser;

    public void Record(ChangeOutcome outcome)
    {
        Outcome = outcome;
        DeadLetter = DeadLetterReasons.Of(Change!, outcome);
    }

    /// <summary>Its order waited for a user that did not arrive within <paramref name="budget"/>.</summary>
    public void UserNeverArrived(TimeSpan budget) => DeadLetter = DeadLetterReasons.MissingUser((OrderChange)Change!, budget);
}
