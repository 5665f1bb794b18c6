namespace CdcPipeline.Consumer.Persistence;

/// <summary>What became of each change of a write, by its index in the list given to the applier.</summary>
public sealed class ApplyResult
{
    public List<int> Applied { get; } = [];

    /// <summary>Orders whose user does not exist yet, with every later change of the same order (kept in order).</summary>
    public List<int> AwaitingUser { get; } = [];

    /// <summary>Updates and deletes of rows that do not exist.</summary>
    public List<int> MissingTarget { get; } = [];

    /// <summary>Changes older than their row (or redelivered): skipped, not applied.</summary>
    public List<int> Stale { get; } = [];

    /// <summary>Changes PostgreSQL refused, isolated one by one, with its error.</summary>
    public List<(int Index, Npgsql.PostgresException Error)> Rejected { get; } = [];

    /// <summary>Keys of <see cref="AwaitingUser"/>: later changes of these rows wait with them.</summary>
    public HashSet<Guid> AwaitingKeys { get; } = [];

    public void Add(ApplyResult other, int offset)
    {
        Applied.AddRange(other.Applied.Select(index => index + offset));
        AwaitingUser.AddRange(other.AwaitingUser.Select(index => index + offset));
        MissingTarget.AddRange(other.MissingTarget.Select(index => index + offset));
        Stale.AddRange(other.Stale.Select(index => index + offset));
        Rejected.AddRange(other.Rejected.Select(entry => (entry.Index + offset, entry.Error)));
        AwaitingKeys.UnionWith(other.AwaitingKeys);
    }
}
