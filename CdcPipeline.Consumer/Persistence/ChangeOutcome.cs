using Npgsql;

namespace CdcPipeline.Consumer.Persistence;

/// <summary>What became of one change given to <see cref="ChangeApplier"/>.</summary>
internal abstract record ChangeOutcome
{
    private ChangeOutcome()
    {
    }

    public sealed record Applied : ChangeOutcome;

    /// <summary>Older than its row (or redelivered): skipped, the row already holds newer data.</summary>
    public sealed record Stale : ChangeOutcome;

    /// <summary>An order whose user does not exist yet, or a later change of such an order: not written, it waits.</summary>
    public sealed record AwaitingUser : ChangeOutcome;

    /// <summary>An update or delete of a row that does not exist.</summary>
    public sealed record MissingRow : ChangeOutcome;

    /// <summary>PostgreSQL refused the change's values, with its error (the change was isolated from the others).</summary>
    public sealed record Rejected(PostgresException Error) : ChangeOutcome;
}
