using CdcPipeline.Events;

namespace CdcPipeline.Producer.Generation;

/// <summary>
/// One event ready to send: its Kafka key (the entity id), its JSON in the original's wire format, and the keys on
/// the other topic whose events sent earlier must be acknowledged before it is sent (<see cref="After"/>).
/// </summary>
internal sealed record GeneratedEvent(EntityKind Kind, EventType Type, string Key, byte[] Json)
{
    /// <summary>
    /// Users and orders are separate topics, each partition on its own leader, so an event can overtake an earlier
    /// one of the other topic: an order's CREATE names its user (the user's CREATE first), a user's DELETE ends its
    /// orders (the events of every order placed for it first, cancelled ones too).
    /// </summary>
    public IReadOnlyList<string> After { get; init; } = [];
}
