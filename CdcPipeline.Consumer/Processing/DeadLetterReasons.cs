using CdcPipeline.Consumer.Decoding;
using CdcPipeline.Consumer.Persistence;
using CdcPipeline.Events;
using CdcPipeline.ServiceDefaults.Kafka;

namespace CdcPipeline.Consumer.Processing;

/// <summary>
/// What the Consumer dead-letters, and why; the one place that decides. An event that does not decode, an update or
/// delete of a row that does not exist, a value PostgreSQL rejects, and an order whose user did not arrive within
/// <c>Consumer:MissingUserRetryBudget</c>. Applied and stale events are not dead-lettered; an order waiting for its
/// user is not either, until its budget is spent.
/// </summary>
internal static class DeadLetterReasons
{
    public static KafkaDeadLetterReason Invalid(string error) => new(KafkaDeadLetterKind.Invalid, error);

    /// <summary>The reason to dead-letter a written change by its outcome; null when it is not dead-lettered.</summary>
    public static KafkaDeadLetterReason? Of(EntityChange change, ChangeOutcome outcome) => outcome switch
    {
        ChangeOutcome.MissingRow => new(KafkaDeadLetterKind.MissingRow,
            $"{(change is UserChange ? "user" : "order")} {change.Key} does not exist: a {WireNames.Of(change.Type)} needs the row its CREATE makes"),
        ChangeOutcome.Rejected(var error) => new(KafkaDeadLetterKind.Rejected,
            $"rejected by PostgreSQL{(error.ColumnName is null ? string.Empty : $" (column {error.ColumnName})")}: {error.SqlState} {error.MessageText}",
            error),
        _ => null,
    };

    /// <summary>An order's user did not arrive within <paramref name="budget"/> (zero: the order was not parked at all).</summary>
    public static KafkaDeadLetterReason MissingUser(OrderChange change, TimeSpan budget)
    {
        var within = $"{budget} (Consumer:MissingUserRetryBudget)";
        return new(KafkaDeadLetterKind.MissingUser, change is { Type: EventType.Create, UserId: { } userId }
            ? $"user {userId} (user_id) of order {change.OrderId} did not arrive within {within}"
            : $"order {change.OrderId} was never created: its CREATE waited for a user that did not arrive within {within}");
    }
}
