using System.Diagnostics;
using CdcPipeline.Consumer.Decoding;
using Confluent.Kafka;

namespace CdcPipeline.Consumer.Processing;

/// <summary>A consumed message on its way through a batch: its process span, its change or why it has none.</summary>
internal sealed class InboundEvent(ConsumeResult<byte[]?, byte[]?> message, Activity? process, DecodeResult decoded)
{
    public ConsumeResult<byte[]?, byte[]?> Message { get; } = message;

    public Activity? Process { get; } = process;

    public EntityChange? Change { get; } = decoded.Change;

    /// <summary>Why the event is dead-lettered (null while it is applied, parked or pending).</summary>
    public string? Failure { get; private set; } = decoded.Error;

    public string? FailureKind { get; private set; } = decoded.Error is null ? null : "invalid";

    public Exception? Error { get; private set; }

    public bool Applied { get; private set; }

    /// <summary>Older than its row (or redelivered): skipped, the row already holds newer data.</summary>
    public bool Stale { get; private set; }

    public void MarkApplied() => Applied = true;

    public void MarkStale() => Stale = true;

    public void MarkFailed(string kind, string reason, Exception? error = null)
    {
        FailureKind = kind;
        Failure = reason;
        Error = error;
    }
}
