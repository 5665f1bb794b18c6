using CdcPipeline.CassandraSink.Changes;

namespace CdcPipeline.CassandraSink.Decoding;

/// <summary>
/// When the Producer's event behind a change happened: the time the Producer put into the row, from which
/// <c>cdc.pipeline.freshness</c> measures until Cassandra acknowledged the change. Null when the change is no event of
/// the Producer, or its time is missing.
/// </summary>
/// <remarks>
/// <para><c>c</c>: the row's creation time, <c>after.created_at</c> (users) or <c>after.placed_at</c> (orders).</para>
/// <para><c>u</c>: <c>after.modified_at</c>, only when it differs from <c>before.modified_at</c>. The Consumer sets
/// modified_at to the time of the UPDATE or DELETE event it applies; the soft-delete cascade of a user's deletion (the
/// trigger) leaves it, as does a DELETE older than the row's last event (it sets only the flag). Those changes are no
/// event of the Producer happening now: their modified_at would report an old event's age as freshness. (An UPDATE
/// at exactly the row's own modified_at is not recorded either.) Without <c>before</c> (no REPLICA IDENTITY FULL) or
/// with a <c>before.modified_at</c> that is no timestamp the cases cannot be told apart: nothing is recorded.</para>
/// <para><c>r</c> (a snapshot reads what is already there) and <c>d</c> (a hard delete, never done by the Consumer):
/// nothing.</para>
/// </remarks>
internal static class EventTime
{
    /// <param name="operation">The change's operation.</param>
    /// <param name="createdAt">The after image's <c>created_at</c> (users) or <c>placed_at</c> (orders).</param>
    /// <param name="modifiedAt">The after image's <c>modified_at</c>.</param>
    /// <param name="before">The before image, when the change has one.</param>
    public static DateTimeOffset? Of(ChangeOperation operation, DateTimeOffset? createdAt, DateTimeOffset? modifiedAt, RowReader? before) =>
        operation switch
        {
            ChangeOperation.Create => createdAt,
            ChangeOperation.Update when modifiedAt is { } modified
                && before is not null
                && before.TryZonedTimestamp("modified_at", out var previous)
                && previous != modified => modified,
            _ => null,
        };
}
