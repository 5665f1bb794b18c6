namespace CdcPipeline.ServiceDefaults.Cassandra;

/// <summary>
/// Statements applied as one BATCH. <see cref="Timestamp"/> is the default write timestamp of every child;
/// a child that needs its own timestamp says <c>USING TIMESTAMP ?</c> and binds it.
/// </summary>
public sealed class CqlBatch(CqlBatchType type = CqlBatchType.Unlogged)
{
    private readonly List<CqlStatement> _statements = [];

    public CqlBatchType Type { get; } = type;

    public IReadOnlyList<CqlStatement> Statements => _statements;

    public CqlConsistency? Consistency { get; init; }

    public CqlConsistency? SerialConsistency { get; init; }

    /// <summary>Default write timestamp of the batch, in microseconds since the epoch.</summary>
    public long? Timestamp { get; init; }

    public TimeSpan? Timeout { get; init; }

    public CqlBatch Add(CqlStatement statement)
    {
        ArgumentNullException.ThrowIfNull(statement);
        _statements.Add(statement);
        return this;
    }

    public CqlBatch Add(PreparedStatement statement, params object?[]? values) => Add(CqlStatement.Prepared(statement, values));

    public CqlBatch Add(string cql, params object?[]? values) => Add(CqlStatement.Simple(cql, values));
}
