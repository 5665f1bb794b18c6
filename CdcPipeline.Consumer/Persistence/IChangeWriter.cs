using CdcPipeline.Consumer.Decoding;
using Npgsql;

namespace CdcPipeline.Consumer.Persistence;

/// <summary>
/// Writes one round of changes set-based: every change of a round targets a different row, so the
/// statements of a round do not interact and their order does not matter.
/// </summary>
internal interface IChangeWriter
{
    /// <summary>
    /// The statement that opens the transaction: it locks, in key order, every users row the changes will lock later
    /// (the users written, or the owners of the orders written), and returns their ids. Users and orders transactions
    /// then take their locks in one global order. Without it they deadlocked: a user's soft delete cascades to its
    /// orders while an orders partition updates them, each locking the rows in its own order.
    /// </summary>
    NpgsqlBatchCommand LockUsers(IReadOnlyList<EntityChange> changes);

    /// <summary>
    /// Adds the round's statements to <paramref name="batch"/>; each returns the keys it could not apply.
    /// <paramref name="lockedUsers"/> are the rows <see cref="LockUsers"/> returned: an order's user that is not among
    /// them appeared after the lock and is treated as not there yet, so no lock is taken out of order.
    /// </summary>
    void AddRound(NpgsqlBatch batch, IReadOnlyList<EntityChange> round, Guid[] lockedUsers);

    /// <summary>Reads the results of <see cref="AddRound"/>'s statements, in order.</summary>
    Task<RoundOutcome> ReadOutcomeAsync(NpgsqlDataReader reader, CancellationToken cancellationToken);
}

/// <summary>
/// Keys whose row does not exist (<see cref="MissingTarget"/>), whose user does not exist yet (<see cref="MissingUser"/>)
/// or whose change was older than the row (<see cref="Stale"/>, not applied).
/// </summary>
internal sealed class RoundOutcome
{
    public HashSet<Guid> MissingTarget { get; } = [];

    public HashSet<Guid> MissingUser { get; } = [];

    public HashSet<Guid> Stale { get; } = [];

    /// <summary>Reads one statement's rows (key, stale): stale keys go to <see cref="Stale"/>, the others to <paramref name="missing"/>.</summary>
    public async Task ReadAsync(NpgsqlDataReader reader, HashSet<Guid> missing, CancellationToken cancellationToken)
    {
        while (await reader.ReadAsync(cancellationToken))
        {
            (reader.GetBoolean(1) ? Stale : missing).Add(reader.GetGuid(0));
        }
    }
}
