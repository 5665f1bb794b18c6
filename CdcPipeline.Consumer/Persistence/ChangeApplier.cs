using CdcPipeline.Consumer.Decoding;
using Npgsql;

namespace CdcPipeline.Consumer.Persistence;

/// <summary>
/// Applies the changes of one partition, in offset order, in one transaction. Changes are grouped into rounds
/// (the n-th change of every row), so each round is a handful of set-based statements and several changes of
/// one row still apply in order. When PostgreSQL rejects a value, the batch is split in halves until the
/// offending change stands alone; every other change is applied.
/// </summary>
public sealed class ChangeApplier(NpgsqlDataSource dataSource)
{
    /// <summary>No order of the batch waits for its user yet.</summary>
    public static readonly IReadOnlySet<Guid> NoAwaitingKeys = new HashSet<Guid>();

    public async Task<ApplyResult> ApplyAsync(
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
                var rejected = new ApplyResult();
                rejected.Rejected.Add((0, exception));
                return rejected;
            }

            var half = changes.Count / 2;
            var first = await ApplyAsync(writer, changes.Take(half).ToArray(), awaitingKeys, cancellationToken);
            var keys = new HashSet<Guid>(awaitingKeys);
            keys.UnionWith(first.AwaitingKeys);
            var second = await ApplyAsync(writer, changes.Skip(half).ToArray(), keys, cancellationToken);
            var result = new ApplyResult();
            result.Add(first, 0);
            result.Add(second, half);
            return result;
        }
    }

    private async Task<ApplyResult> ApplyInTransactionAsync(
        IChangeWriter writer, IReadOnlyList<EntityChange> changes, IReadOnlySet<Guid> awaitingKeys, CancellationToken cancellationToken)
    {
        var result = new ApplyResult();
        result.AwaitingKeys.UnionWith(awaitingKeys);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        foreach (var round in Rounds(changes))
        {
            var toWrite = new List<int>(round.Count);
            foreach (var index in round)
            {
                if (result.AwaitingKeys.Contains(changes[index].Key))
                {
                    result.AwaitingUser.Add(index);
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
            writer.AddRound(batch, toWrite.Select(index => changes[index]).ToArray());
            RoundOutcome outcome;
            await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
            {
                outcome = await writer.ReadOutcomeAsync(reader, cancellationToken);
            }

            foreach (var index in toWrite)
            {
                var key = changes[index].Key;
                if (outcome.MissingUser.Contains(key))
                {
                    result.AwaitingUser.Add(index);
                    result.AwaitingKeys.Add(key);
                }
                else if (outcome.MissingTarget.Contains(key))
                {
                    result.MissingTarget.Add(index);
                }
                else if (outcome.Stale.Contains(key))
                {
                    result.Stale.Add(index);
                }
                else
                {
                    result.Applied.Add(index);
                }
            }
        }

        await transaction.CommitAsync(cancellationToken);
        result.AwaitingUser.Sort();
        return result;
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
