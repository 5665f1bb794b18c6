using Bogus;
using CdcPipeline.Events;

namespace CdcPipeline.Producer.Generation;

/// <summary>
/// Draws event types in the original's mix, exactly 6 CREATE, 3 UPDATE and 1 DELETE in every ten draws, in a
/// seeded random order. A type that has no target yet is swapped for a CREATE later in the same ten.
/// </summary>
internal sealed class EventTypeBag(Randomizer random)
{
    private static readonly EventType[] Mix =
    [
        EventType.Create, EventType.Create, EventType.Create, EventType.Create, EventType.Create, EventType.Create,
        EventType.Update, EventType.Update, EventType.Update,
        EventType.Delete,
    ];

    private readonly List<EventType> _remaining = new(Mix.Length);

    public EventType Draw(bool canUpdate, bool canDelete)
    {
        if (_remaining.Count == 0)
        {
            Refill();
        }

        var next = _remaining.Count - 1;
        if (!IsPossible(_remaining[next], canUpdate, canDelete))
        {
            var create = _remaining.LastIndexOf(EventType.Create);
            if (create < 0)
            {
                // Only modifications are left in this round and none has a target: create outside the round.
                return EventType.Create;
            }

            (_remaining[create], _remaining[next]) = (_remaining[next], _remaining[create]);
        }

        var type = _remaining[next];
        _remaining.RemoveAt(next);
        return type;
    }

    private static bool IsPossible(EventType type, bool canUpdate, bool canDelete) => type switch
    {
        EventType.Update => canUpdate,
        EventType.Delete => canDelete,
        _ => true,
    };

    private void Refill()
    {
        _remaining.AddRange(Mix);
        for (var i = _remaining.Count - 1; i > 0; i--)
        {
            var j = random.Int(0, i);
            (_remaining[i], _remaining[j]) = (_remaining[j], _remaining[i]);
        }
    }
}
