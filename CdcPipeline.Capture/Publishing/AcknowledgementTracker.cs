using CdcPipeline.Capture.Telemetry;

namespace CdcPipeline.Capture.Publishing;

/// <summary>
/// Decides which WAL position may be confirmed to PostgreSQL: the end of a transaction (or a non-transactional
/// message) only once Kafka has acknowledged every record of it and of everything received before it.
/// </summary>
/// <remarks>
/// Positions are opened in the order pgoutput delivers commits (commit order) and sealed with the LSN to confirm when
/// their last record was handed to Kafka. The acknowledged position advances over the completed prefix only, so a
/// crash at any moment replays from the slot everything that Kafka might not have — at least once — and the slot never
/// confirms a position inside a transaction (which would make PostgreSQL replay the whole transaction anyway).
/// A position sealed without an LSN completes without moving the acknowledged position.
/// </remarks>
internal sealed class AcknowledgementTracker
{
    private readonly Lock _gate = new();
    private readonly Queue<AckPosition> _open = new();
    private readonly TimeProvider _clock;
    private readonly CaptureTelemetry _telemetry;
    private readonly ReplicationProgress _progress;
    private readonly SemaphoreSlim _advanced = new(0, 1);
    private ulong _acknowledged;

    public AcknowledgementTracker(ulong startLsn, TimeProvider clock, CaptureTelemetry telemetry, ReplicationProgress progress)
    {
        _acknowledged = startLsn;
        _clock = clock;
        _telemetry = telemetry;
        _progress = progress;
    }

    /// <summary>The highest LSN that may be confirmed to PostgreSQL.</summary>
    public ulong Acknowledged
    {
        get
        {
            lock (_gate)
            {
                return _acknowledged;
            }
        }
    }

    public int OpenCount
    {
        get
        {
            lock (_gate)
            {
                return _open.Count;
            }
        }
    }

    /// <summary>Starts a position whose records follow; <paramref name="commitMicros"/> is its commit time (for the latency metric).</summary>
    public AckPosition Open(long commitMicros)
    {
        var position = new AckPosition(this, commitMicros);
        lock (_gate)
        {
            _open.Enqueue(position);
        }

        return position;
    }

    /// <summary>Waits until a position completed (the acknowledged position may have moved).</summary>
    public Task WaitForAdvanceAsync(CancellationToken cancellationToken) => _advanced.WaitAsync(cancellationToken);

    internal void Completed()
    {
        var moved = false;
        var dequeued = false;
        lock (_gate)
        {
            while (_open.TryPeek(out var head) && head.IsComplete)
            {
                _open.Dequeue();
                dequeued = true;
                if (head.Lsn is { } lsn && lsn > _acknowledged)
                {
                    _acknowledged = lsn;
                    moved = true;
                    if (head.CommitMicros > 0)
                    {
                        _telemetry.CommitAcknowledged(_clock.GetUtcNow() - DateTimeOffset.UnixEpoch.AddTicks(head.CommitMicros * 10));
                    }
                }
            }
        }

        if (moved)
        {
            _progress.ReportAcknowledged(Acknowledged);
        }

        if (dequeued)
        {
            if (_advanced.CurrentCount == 0)
            {
                try
                {
                    _advanced.Release();
                }
                catch (SemaphoreFullException)
                {
                    // Another completion signalled first: one signal is enough.
                }
            }
        }
    }
}
