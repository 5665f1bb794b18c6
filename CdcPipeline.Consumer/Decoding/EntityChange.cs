using CdcPipeline.Events;

namespace CdcPipeline.Consumer.Decoding;

/// <summary>
/// A validated change to one row, ready to write. <see cref="At"/> is the event's own timestamp (created_at /
/// placed_at for CREATE, modified_at otherwise) in UTC at PostgreSQL's microsecond precision: it orders the
/// changes of one row, so an older change never overwrites newer state.
/// </summary>
public abstract record EntityChange(EventType Type, Guid Key, DateTimeOffset At)
{
    /// <summary>The W3C traceparent the row's <c>trace_parent</c> column takes when this change applies (null: none).</summary>
    public string? TraceParent { get; init; }
}

public sealed record UserChange(EventType Type, Guid UserId, string? Name, DateOnly? DateOfBirth, DateTimeOffset At)
    : EntityChange(Type, UserId, At);

public sealed record OrderChange(
    EventType Type, Guid OrderId, string Status, Guid? UserId, int? Quantity, decimal? Total, DateTimeOffset At)
    : EntityChange(Type, OrderId, At);
