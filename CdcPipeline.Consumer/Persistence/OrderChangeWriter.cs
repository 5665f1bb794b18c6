using CdcPipeline.Consumer.Decoding;
using CdcPipeline.Events;
using Npgsql;

namespace CdcPipeline.Consumer.Persistence;

/// <summary>
/// The original's order statements, set-based and guarded by the event time (an UPDATE at the row's own time applies
/// when it changes the status: the later event in offset order wins). A CREATE whose user does not
/// exist yet is not inserted (no foreign-key failure aborts the batch): its key comes back as missing-user.
/// A CREATE takes the soft-delete flag of its user, so an order arriving after its user's delete (the cascade)
/// is deleted too. DELETE sets the status (CANCELLED) and the soft-delete flag, as the original did. Every statement
/// that applies to a row also sets its trace_parent to the event's (the user's cascade leaves it alone).
/// </summary>
internal sealed class OrderChangeWriter : IChangeWriter
{
    private const string Lock = """
        SELECT id FROM users
         WHERE id = ANY($1) OR id IN (SELECT user_id FROM orders WHERE id = ANY($2))
         ORDER BY id
           FOR SHARE
        """;

    private const string Creates = """
        WITH s AS (
            SELECT * FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::integer[], $5::numeric[], $6::timestamptz[], $7::text[])
                AS s(id, status, user_id, quantity, total_amount, placed_at, trace_parent)),
        owners AS (
            -- Only the users the transaction locked first ($8, held until commit): a concurrent delete of the user
            -- waits for these orders (its cascade then sees them), or these orders waited for it (and read it
            -- deleted); unlocked, both would miss each other. A user that appeared since is missing for now.
            SELECT u.id, u.is_deleted FROM users AS u WHERE u.id IN (SELECT user_id FROM s) AND u.id = ANY($8)),
        inserted AS (
            INSERT INTO orders AS o (id, status, user_id, quantity, total_amount, placed_at, is_deleted, trace_parent)
            SELECT s.id, s.status, s.user_id, s.quantity, s.total_amount, s.placed_at, u.is_deleted, s.trace_parent
              FROM s
              JOIN owners AS u ON u.id = s.user_id
            ON CONFLICT (id) DO UPDATE
                SET status = excluded.status, user_id = excluded.user_id, quantity = excluded.quantity,
                    total_amount = excluded.total_amount, placed_at = excluded.placed_at,
                    is_deleted = o.is_deleted OR excluded.is_deleted, trace_parent = excluded.trace_parent
                WHERE (o.placed_at IS NULL OR o.placed_at < excluded.placed_at)
                  AND (o.modified_at IS NULL OR o.modified_at < excluded.placed_at)
            RETURNING o.id)
        SELECT s.id, s.user_id = ANY($8) AS stale FROM s WHERE s.id NOT IN (SELECT id FROM inserted)
        """;

    private const string Updates = """
        WITH s AS (
            SELECT * FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::text[]) AS s(id, status, modified_at, trace_parent)),
        applied AS (
            UPDATE orders AS o
               SET status = s.status, modified_at = s.modified_at, trace_parent = s.trace_parent
              FROM s
             WHERE o.id = s.id
               AND (o.modified_at IS NULL OR o.modified_at < s.modified_at
                    OR (o.modified_at = s.modified_at AND o.status IS DISTINCT FROM s.status))
               AND (o.placed_at IS NULL OR o.placed_at <= s.modified_at)
            RETURNING o.id)
        SELECT s.id, EXISTS (SELECT 1 FROM orders AS o WHERE o.id = s.id) AS stale FROM s WHERE s.id NOT IN (SELECT id FROM applied)
        """;

    private const string Deletes = """
        WITH s AS (
            SELECT * FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::text[]) AS s(id, status, modified_at, trace_parent)),
        applied AS (
            UPDATE orders AS o
               SET is_deleted = true,
                   status = CASE WHEN o.modified_at IS NULL OR o.modified_at <= s.modified_at THEN s.status ELSE o.status END,
                   modified_at = greatest(o.modified_at, s.modified_at),
                   trace_parent = s.trace_parent
              FROM s
             WHERE o.id = s.id
               AND (NOT o.is_deleted OR o.modified_at IS NULL OR o.modified_at < s.modified_at
                    OR (o.modified_at = s.modified_at AND o.status IS DISTINCT FROM s.status))
            RETURNING o.id)
        SELECT s.id, EXISTS (SELECT 1 FROM orders AS o WHERE o.id = s.id) AS stale FROM s WHERE s.id NOT IN (SELECT id FROM applied)
        """;

    public NpgsqlBatchCommand LockUsers(IReadOnlyList<EntityChange> changes)
    {
        var orders = changes.Cast<OrderChange>().ToArray();
        return ArrayBatchCommand.Create(Lock,
            orders.Where(change => change.UserId is not null).Select(change => change.UserId!.Value).Distinct().ToArray(),
            orders.Select(change => change.OrderId).Distinct().ToArray());
    }

    public void AddRound(NpgsqlBatch batch, IReadOnlyList<EntityChange> round, Guid[] lockedUsers)
    {
        var changes = round.Cast<OrderChange>().ToArray();
        var creates = changes.Where(change => change.Type == EventType.Create).ToArray();
        var updates = changes.Where(change => change.Type == EventType.Update).ToArray();
        var deletes = changes.Where(change => change.Type == EventType.Delete).ToArray();

        batch.BatchCommands.Add(ArrayBatchCommand.Create(Creates,
            creates.Select(change => change.OrderId).ToArray(),
            creates.Select(change => change.Status).ToArray(),
            creates.Select(change => change.UserId!.Value).ToArray(),
            creates.Select(change => change.Quantity!.Value).ToArray(),
            creates.Select(change => change.Total!.Value).ToArray(),
            creates.Select(change => change.At).ToArray(),
            creates.Select(change => change.TraceParent).ToArray(),
            lockedUsers));
        batch.BatchCommands.Add(ArrayBatchCommand.Create(Updates,
            updates.Select(change => change.OrderId).ToArray(),
            updates.Select(change => change.Status).ToArray(),
            updates.Select(change => change.At).ToArray(),
            updates.Select(change => change.TraceParent).ToArray()));
        batch.BatchCommands.Add(ArrayBatchCommand.Create(Deletes,
            deletes.Select(change => change.OrderId).ToArray(),
            deletes.Select(change => change.Status).ToArray(),
            deletes.Select(change => change.At).ToArray(),
            deletes.Select(change => change.TraceParent).ToArray()));
    }

    public async Task<RoundOutcome> ReadOutcomeAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var outcome = new RoundOutcome();
        await outcome.ReadAsync(reader, outcome.MissingUser, cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        await outcome.ReadAsync(reader, outcome.MissingTarget, cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        await outcome.ReadAsync(reader, outcome.MissingTarget, cancellationToken);
        return outcome;
    }
}
