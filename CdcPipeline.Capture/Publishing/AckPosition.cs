namespace CdcPipeline.Capture.Publishing;

/// <summary>One transaction's (or message's) place in the acknowledgement order.</summary>
internal sealed class AckPosition(AcknowledgementTracker tracker, long commitMicros)
{
    private int _outstanding;
    private int _sealed;

    public long CommitMicros { get; } = commitMicros;

    public ulong? Lsn { get; private set; }

    public bool IsComplete => Volatile.Read(ref _sealed) == 1 && Volatile.Read(ref _outstanding) == 0;

    /// <summary>A record of this position was handed to Kafka.</summary>
    public void RecordQueued() => Interlocked.Increment(ref _outstanding);

    /// <summary>Kafka acknowledged a record of this position.</summary>
    public void RecordDelivered()
    {
        if (Interlocked.Decrement(ref _outstanding) == 0 && Volatile.Read(ref _sealed) == 1)
        {
            tracker.Completed();
        }
    }

    /// <summary>No more records follow; <paramref name="lsn"/> may be confirmed once they are all acknowledged (null: nothing to confirm).</summary>
    public void Seal(ulong? lsn)
    {
        Lsn = lsn;
        Volatile.Write(ref _sealed, 1);
        if (Volatile.Read(ref _outstanding) == 0)
        {
            tracker.Completed();
        }
    }
}
