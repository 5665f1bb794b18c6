namespace CdcPipeline.Producer.Delivery;

/// <summary>
/// The keys with events handed to the Kafka client and not yet acknowledged or failed, so that an event can wait
/// for the ones of the other topic it must follow (<see cref="Generation.GeneratedEvent.After"/>). Sent from the send
/// loop, settled from the client's delivery reports.
/// </summary>
internal sealed class UnacknowledgedKeys
{
    private readonly Dictionary<string, Pending> _pending = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>An event of <paramref name="key"/> is about to be handed to the client.</summary>
    public void Sent(string key)
    {
        lock (_gate)
        {
            if (!_pending.TryGetValue(key, out var pending))
            {
                pending = new Pending();
                _pending.Add(key, pending);
            }

            pending.Count++;
        }
    }

    /// <summary>An event of <paramref name="key"/> was acknowledged, failed, or never queued.</summary>
    public void Settled(string key)
    {
        lock (_gate)
        {
            if (_pending.TryGetValue(key, out var pending) && --pending.Count == 0)
            {
                _pending.Remove(key);
                pending.Done.TrySetResult();
            }
        }
    }

    /// <summary>Completes once every event of <paramref name="keys"/> sent so far has settled.</summary>
    public Task WhenSettledAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        List<Task>? waits = null;
        lock (_gate)
        {
            foreach (var key in keys)
            {
                if (_pending.TryGetValue(key, out var pending))
                {
                    (waits ??= []).Add(pending.Done.Task);
                }
            }
        }

        return waits is null ? Task.CompletedTask : Task.WhenAll(waits).WaitAsync(cancellationToken);
    }

    private sealed class Pending
    {
        public int Count { get; set; }

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
