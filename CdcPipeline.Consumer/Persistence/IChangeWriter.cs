using CdcPipeline.Consumer.Decoding;
using Npgsql;

namespace CdcPipeline.Consumer.Persistence;

/// <summary>
/// Writes one round of changes set-based: every change of a round targets a different row, so the
/// statements of a round do not interact and their order does not matter.
/// </summary>
public interface IChangeWriter
{
    /// <summary>Adds the round's statements to <paramref name="batch"/>; each returns the keys it could not apply.</summary>
    void AddRound(NpgsqlBatch batch, IReadOnlyList<EntityChange> round);

    /// <summary>Reads the results of <see cref="AddRound"/>'s statements, in order.</summary>
    Task<RoundOutcome> ReadOutcomeAsync(NpgsqlDataReader reader, CancellationToken cancellationToken);
}

/// <summary>Keys whose row does not exist (<see cref="MissingTarget"/>) or whose user does not exist yet (<see cref="MissingUser"/>).</summary>
public sealed record RoundOutcome(IReadOnlySet<Guid> MissingTarget, IReadOnlySet<Guid> MissingUser)
{
    public static async Task<HashSet<Guid>> ReadKeysAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var keys = new HashSet<Guid>();
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(reader.GetGuid(0));
        }

        return keys;
    }
}
