namespace CdcPipeline.Producer.Delivery;

/// <summary>
/// Per key, the last event accepted for sending, so that an event is handed to the client only after its key's
/// previous event was (order per key) and after the last events of the keys it follows settled
/// (<see cref="Generation.GeneratedEvent.After"/>). Only that event waits: events of other keys go on.
/// </summary>
internal sealed class KeyOrder
{
    private readonly Dictionary<string, PendingEvent> _last = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>
    /// Accepts an event of <paramref name="key"/>; <paramref name="wait"/> is what it must wait for before it is
    /// handed to the client, null when it may go at once.
    /// </summary>
    public PendingEvent Accept(string key, IReadOnlyList<string> after, out Task? wait)
    {
        List<Task>? waits = null;
        var accepted = new PendingEvent(key);
        lock (_gate)
        {
            if (_last.TryGetValue(key, out var previous) && !previous.HandedOver.IsCompleted)
            {
                (waits ??= []).Add(previous.HandedOver);
            }

            foreach (var followed in after)
            {
                // The key's events share a partition, acknowledged in the order they were handed over: once its last
                // event settled, every earlier one that was delivered is in Kafka.
                if (_last.TryGetValue(followed, out var last) && !last.Settled.IsCompleted)
                {
                    (waits ??= []).Add(last.Settled);
                }
            }

            _last[key] = accepted;
        }

        wait = waits switch
        {
            null => null,
            [var single] => single,
            _ => Task.WhenAll(waits),
        };
        return accepted;
    }

    /// <summary>The event was acknowledged, failed, or never queued.</summary>
    public void Settled(PendingEvent pending)
    {
        pending.MarkHandedOver();
        pending.MarkSettled();
        lock (_gate)
        {
            if (_last.TryGetValue(pending.Key, out var last) && ReferenceEquals(last, pending))
            {
                _last.Remove(pending.Key);
            }
        }
    }
}
