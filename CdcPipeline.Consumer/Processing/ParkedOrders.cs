namespace CdcPipeline.Consumer.Processing;

/// <summary>
/// The events of one orders partition that wait for an order's user, parked by order key so that every other key
/// of the partition goes on. A key stays parked, in offset order, until its events have applied or were
/// dead-lettered: a later event of a parked order joins it instead of being written, so an order's events still
/// apply in order. <see cref="Oldest"/> is the lowest parked offset: the partition's offsets are committed only up to
/// it, so a crash or a revoke redelivers every parked event. Used by the partition's worker alone; <see cref="Count"/>
/// and <see cref="IsFull"/> may be read from any thread.
/// </summary>
internal sealed class ParkedOrders(int max)
{
    private readonly Dictionary<Guid, List<InboundEvent>> _events = [];
    private readonly Dictionary<Guid, ParkCohort> _cohorts = [];
    private readonly HashSet<Guid> _keys = [];
    private readonly SortedSet<long> _offsets = [];
    private int _count;
    private bool _full;

    /// <summary>The parked order keys: later events of these orders wait behind them.</summary>
    public IReadOnlySet<Guid> Keys => _keys;

    public int Count => Volatile.Read(ref _count);

    /// <summary>Reached <c>Consumer:MaxParkedPerPartition</c> and not yet drained to half of it.</summary>
    public bool IsFull => Volatile.Read(ref _full);

    /// <summary>The offset of the oldest parked event; null when nothing is parked.</summary>
    public long? Oldest => _offsets.Count == 0 ? null : _offsets.Min;

    /// <summary>
    /// Parks <paramref name="waiting"/> (in offset order): events of parked keys join their key; the other keys start
    /// a new cohort, returned (null when every key was parked already).
    /// </summary>
    public ParkCohort? Park(IReadOnlyList<InboundEvent> waiting, Func<ParkCohort> newCohort)
    {
        ParkCohort? cohort = null;
        foreach (var inbound in waiting)
        {
            var key = inbound.Change!.Key;
            if (!_events.TryGetValue(key, out var events))
            {
                cohort ??= newCohort();
                events = [];
                _events[key] = events;
                _cohorts[key] = cohort;
                _keys.Add(key);
                cohort.Keys.Add(key);
            }

            events.Add(inbound);
            _offsets.Add(inbound.Message.Offset.Value);
        }

        Counted();
        return cohort;
    }

    /// <summary>Every parked event of the cohort's keys, in offset order.</summary>
    public IReadOnlyList<InboundEvent> EventsOf(ParkCohort cohort) =>
        cohort.Keys.SelectMany(key => _events[key]).OrderBy(inbound => inbound.Message.Offset.Value).ToArray();

    /// <summary>Every parked event, in offset order.</summary>
    public IReadOnlyList<InboundEvent> All() =>
        _events.Values.SelectMany(events => events).OrderBy(inbound => inbound.Message.Offset.Value).ToArray();

    /// <summary>Takes an event out of the park (applied or dead-lettered); its key leaves with its last event.</summary>
    public void Release(InboundEvent inbound)
    {
        var key = inbound.Change!.Key;
        var events = _events[key];
        events.Remove(inbound);
        _offsets.Remove(inbound.Message.Offset.Value);
        if (events.Count == 0)
        {
            _events.Remove(key);
            _keys.Remove(key);
            _cohorts.Remove(key, out var cohort);
            cohort!.Keys.Remove(key);
        }

        Counted();
    }

    private void Counted()
    {
        var count = _offsets.Count;
        Volatile.Write(ref _count, count);
        if (count >= max)
        {
            Volatile.Write(ref _full, true);
        }
        else if (count <= max / 2)
        {
            Volatile.Write(ref _full, false);
        }
    }
}
