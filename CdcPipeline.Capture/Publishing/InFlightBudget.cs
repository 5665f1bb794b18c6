namespace CdcPipeline.Capture.Publishing;

/// <summary>
/// Bounds the bytes handed to Kafka and not yet acknowledged (<c>Capture:MaxInFlightBytes</c>): a producer that
/// waits here stops reading the WAL, so memory stays bounded however large a transaction is and however slow Kafka.
/// </summary>
internal sealed class InFlightBudget(long maxBytes)
{
    private readonly Lock _gate = new();
    private long _used;
    private int _count;
    private TaskCompletionSource? _waiter;

    public int Count => Volatile.Read(ref _count);

    /// <summary>Takes <paramref name="bytes"/>; waits while the budget is spent (a record larger than it passes alone).</summary>
    public ValueTask AcquireAsync(int bytes, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_used == 0 || _used + bytes <= maxBytes)
            {
                _used += bytes;
                _count++;
                return ValueTask.CompletedTask;
            }
        }

        return WaitAsync(bytes, cancellationToken);
    }

    private async ValueTask WaitAsync(int bytes, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task wait;
            lock (_gate)
            {
                if (_used == 0 || _used + bytes <= maxBytes)
                {
                    _used += bytes;
                    _count++;
                    return;
                }

                _waiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                wait = _waiter.Task;
            }

            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Returns the bytes of an acknowledged (or failed) record; returns whether records are still in flight.</summary>
    public bool Release(int bytes)
    {
        TaskCompletionSource? waiter = null;
        bool anyLeft;
        lock (_gate)
        {
            _used -= bytes;
            _count--;
            anyLeft = _count > 0;
            if (_waiter is not null && _used <= maxBytes / 2)
            {
                waiter = _waiter;
                _waiter = null;
            }
        }

        waiter?.TrySetResult();
        return anyLeft;
    }
}
