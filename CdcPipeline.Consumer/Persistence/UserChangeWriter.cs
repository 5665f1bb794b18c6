using CdcPipeline.Consumer.Decoding;
using CdcPipeline.Events;
using Npgsql;

namespace CdcPipeline.Consumer.Persistence;

/// <summary>
/// The original's user statements, set-based over arrays (<c>unnest</c>) and guarded by the event time:
/// CREATE inserts (a redelivered or older CREATE changes nothing), UPDATE sets name (an UPDATE without a name keeps
/// the name; the original wrote '') and modified_at when not older
/// than the row (at an equal time only when it changes something: the later event in offset order wins, a redelivered
/// one rewrites nothing), DELETE sets the soft-delete flag (the trigger cascades to orders). Every statement that
/// applies to a row also sets its trace_parent to the event's. Each statement returns the keys it did not apply, with
/// whether the row exists (then the event was stale).
/// </summary>
internal sealed class UserChangeWriter : IChangeWriter
{
    private const string Lock = "SELECT id FROM users WHERE id = ANY($1) ORDER BY id FOR NO KEY UPDATE";

    private const string Creates = """
        WITH s AS (
            SELECT * FROM unnest($1::uuid[], $2::text[], $3::date[], $4::timestamptz[], $5::text[])
                AS s(id, name, dob, created_at, trace_parent)),
        inserted AS (
            INSERT INTO users AS u (id, name, dob, created_at, trace_parent)
            SELECT id, name, dob, created_at, trace_parent FROM s
            ON CONFLICT (id) DO UPDATE
                SET name = excluded.name, dob = excluded.dob, created_at = excluded.created_at,
                    trace_parent = excluded.trace_parent
                WHERE (u.created_at IS NULL OR u.created_at < excluded.created_at)
                  AND (u.modified_at IS NULL OR u.modified_at < excluded.created_at)
            RETURNING u.id)
        SELECT s.id, true AS stale FROM s WHERE s.id NOT IN (SELECT id FROM inserted)
        """;

    private const string Updates = """
        WITH s AS (
            SELECT * FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::text[]) AS s(id, name, modified_at, trace_parent)),
        applied AS (
            UPDATE users AS u
               SET name = coalesce(s.name, u.name), modified_at = s.modified_at, trace_parent = s.trace_parent
              FROM s
             WHERE u.id = s.id
               AND (u.modified_at IS NULL OR u.modified_at < s.modified_at
                    OR (u.modified_at = s.modified_at AND u.name IS DISTINCT FROM coalesce(s.name, u.name)))
               AND (u.created_at IS NULL OR u.created_at <= s.modified_at)
            RETURNING u.id)
        SELECT s.id, EXISTS (SELECT 1 FROM users AS u WHERE u.id = s.id) AS stale FROM s WHERE s.id NOT IN (SELECT id FROM applied)
        """;

    private const string Deletes = """
        WITH s AS (
            SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::text[]) AS s(id, modified_at, trace_parent)),
        applied AS (
            UPDATE users AS u
               SET is_deleted = true, modified_at = greatest(u.modified_at, s.modified_at), trace_parent = s.trace_parent
              FROM s
             WHERE u.id = s.id
               AND (NOT u.is_deleted OR u.modified_at IS NULL OR u.modified_at < s.modified_at)
            RETURNING u.id)
        SELECT s.id, EXISTS (SELECT 1 FROM users AS u WHERE u.id = s.id) AS stale FROM s WHERE s.id NOT IN (SELECT id FROM applied)
        """;

    public NpgsqlBatchCommand LockUsers(IReadOnlyList<EntityChange> changes) =>
        ArrayBatchCommand.Create(Lock, changes.Select(change => change.Key).Distinct().ToArray());

    public void AddRound(NpgsqlBatch batch, IReadOnlyList<EntityChange> round, Guid[] lockedUsers)
    {
        var changes = round.Cast<UserChange>().ToArray();
        var creates = changes.Where(change => change.Type == EventType.Create).ToArray();
        var updates = changes.Where(change => change.Type == EventType.Update).ToArray();
        var deletes = changes.Where(change => change.Type == EventType.Delete).ToArray();

        batch.BatchCommands.Add(ArrayBatchCommand.Create(Creates,
            creates.Select(change => change.UserId).ToArray(),
            creates.Select(change => change.Name!).ToArray(),
            creates.Select(change => change.DateOfBirth!.Value).ToArray(),
            creates.Select(change => change.At).ToArray(),
            creates.Select(change => change.TraceParent).ToArray()));
        batch.BatchCommands.Add(ArrayBatchCommand.Create(Updates,
            updates.Select(change => change.UserId).ToArray(),
            updates.Select(change => change.Name).ToArray(),
            updates.Select(change => change.At).ToArray(),
            updates.Select(change => change.TraceParent).ToArray()));
        batch.BatchCommands.Add(ArrayBatchCommand.Create(Deletes,
            deletes.Select(change => change.UserId).ToArray(),
            deletes.Select(change => change.At).ToArray(),
            deletes.Select(change => change.TraceParent).ToArray()));
    }

    public async Task<RoundOutcome> ReadOutcomeAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var outcome = new RoundOutcome();
        await outcome.ReadAsync(reader, outcome.MissingTarget, cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        await outcome.ReadAsync(reader, outcome.MissingTarget, cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        await outcome.ReadAsync(reader, outcome.MissingTarget, cancellationToken);
        return outcome;
    }
}
