using CdcPipeline.Consumer.Decoding;
using Npgsql;

namespace CdcPipeline.Consumer.Persistence;

/// <summary>
/// Applies the changes of one partition, in offset order, in one transaction, and returns one outcome per change, in
/// the order given. Changes are grouped into rounds (the n-th change of every row), so each round is a handful of
/// set-based statements and several changes of one row still apply in order. A change of a key that waits for its
/// user (given, or found waiting earlier in the list) is not written: it waits too, so an order's changes apply in
/// order. When PostgreSQL rejects a value, the list is split in halves until the offending change stands alone;
/// every other change is applied. The transaction first locks the users rows it will touch, in key order
/// (<see cref="IChangeWriter.LockUsers"/>), so concurrent partitions wait for each other instead of deadlocking.
/// The transactions of all partitions take turns at the <see cref="TransactionGate"/>.
/// </summary>
internal sealed class ChangeApplier(NpgsqlDataSource dataSource, TransactionGate gate)
{
    /// <summary>No order of the batch waits for its user yet.</summary>
    public static readonly IReadOnlySet<Guid> NoAwaitingKeys = new HashSet<Guid>();

    public async Task<IReadOnlyList<ChangeOutcome>> ApplyAsync(
        IChangeWriter writer, IReadOnlyList<EntityChange> changes, IReadOnlySet<Guid> awaitingKeys, CancellationToken cancellationToken)
    {
        try
        {
            return await ApplyInTransactionAsync(writer, changes, awaitingKeys, cancellationToken);
        }
        catch (PostgresException exception) when (DatabaseErrors.IsDataError(exception))
        {
            if (changes.Count == 1)
            {
                return [new ChangeOutcome.Rejected(exception)];
            }

            var half = changes.Count / 2;
            var first = await ApplyAsync(writer, changes.Take(half).ToArray(), awaitingKeys, cancellationToken);
            var keys = new HashSet<Guid>(awaitingKeys);
            keys.UnionWith(changes.Take(half).Where((_, index) => first[index] is ChangeOutcome.AwaitingUser).Select(change => change.Key));
            var second = await ApplyAsync(writer, changes.Skip(half).ToArray(), keys, cancellationToken);
            return [.. first, .. second];
        }
    }

    private Task<ChangeOutcome[]> ApplyInTransactionAsync(
        IChangeWriter writer, IReadOnlyList<EntityChange> changes, IReadOnlySet<Guid> awaitingKeys, CancellationToken cancellationToken) =>
        gate.RunAsync(token => ApplyInOpenTransactionAsync(writer, changes, awaitingKeys, token), cancellationToken);

    private async Task<ChangeOutcome[]> ApplyInOpenTransactionAsync(
        IChangeWriter writer, IReadOnlyList<EntityChange> changes, IReadOnlySet<Guid> awaitingKeys, CancellationToken cancellationToken)
    {
        var outcomes = new ChangeOutcome[changes.Count];
        var awaiting = new HashSet<Guid>(awaitingKeys);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var lockedUsers = await LockUsersAsync(writer, changes, connection, transaction, cancellationToken);

        foreach (var round in Rounds(changes))
        {
            var toWrite = new List<int>(round.Count);
            foreach (var index in round)
            {
                if (awaiting.Contains(changes[index].Key))
                {
                    outcomes[index] = new ChangeOutcome.AwaitingUser();
                }
                else
                {
                    toWrite.Add(index);
                }
            }

            if (toWrite.Count == 0)
            {
                continue;
            }

            await using var batch = new NpgsqlBatch(connection, transaction);
            writer.AddRound(batch, toWrite.Select(index => changes[index]).ToArray(), lockedUsers);
            RoundOutcome written;
            await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
            {
                written = await writer.ReadOutcomeAsync(reader, cancellationToken);
            }

            foreach (var index in toWrite)
            {
                var key = changes[index].Key;
                if (written.MissingUser.Contains(key))
                {
                    awaiting.Add(key);
                    outcomes[index] = new ChangeOutcome.AwaitingUser();
                }
                else
                {
                    outcomes[index] = written.MissingTarget.Contains(key) ? new ChangeOutcome.MissingRow()
                        : written.Stale.Contains(key) ? new ChangeOutcome.Stale()
                        : new ChangeOutcome.Applied();
                }
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return outcomes;
    }

    private static async Task<Guid[]> LockUsersAsync(
        IChangeWriter writer, IReadOnlyList<EntityChange> changes, NpgsqlConnection connection, NpgsqlTransaction transaction,
        CancellationToken cancellationToken)
    {
        await using var locks = new NpgsqlBatch(connection, transaction);
        locks.BatchCommands.Add(writer.LockUsers(changes));
        var locked = new List<Guid>();
        await using var reader = await locks.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            locked.Add(reader.GetGuid(0));
        }

        return [.. locked];
    }

    /// <summary>Round n holds the n-th change (in offset order) of every row, as indexes into <paramref name="changes"/>.</summary>
    private static List<List<int>> Rounds(IReadOnlyList<EntityChange> changes)
    {
        var rounds = new List<List<int>>();
        var seen = new Dictionary<Guid, int>();
        for (var index = 0; index < changes.Count; index++)
        {
            var key = changes[index].Key;
            var round = seen.TryGetValue(key, out var count) ? count : 0;
            seen[key] = round + 1;
            if (rounds.Count == round)
            {
                rounds.Add([]);
            }

            rounds[round].Add(index);
        }

        return rounds;
    }
}
