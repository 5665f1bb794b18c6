namespace CdcPipeline.ServiceDefaults.Cassandra;

/// <summary>A statement prepared on the server: its id, the types of its bind variables and of its result columns.</summary>
public sealed class PreparedStatement
{
    private byte[] _id;

    internal PreparedStatement(string query, string? keyspace, byte[] id, IReadOnlyList<CqlColumn> variables, IReadOnlyList<int> partitionKeyIndexes, IReadOnlyList<CqlColumn> resultColumns)
    {
        Query = query;
        Keyspace = keyspace;
        _id = id;
        Variables = variables;
        PartitionKeyIndexes = partitionKeyIndexes;
        ResultColumns = resultColumns;
    }

    public string Query { get; }

    /// <summary>The session keyspace the statement was prepared in (null when none was set).</summary>
    public string? Keyspace { get; }

    /// <summary>The server's id; replaced when the session re-prepares after an UNPREPARED error.</summary>
    public byte[] Id => Volatile.Read(ref _id);

    public IReadOnlyList<CqlColumn> Variables { get; private set; }

    public IReadOnlyList<int> PartitionKeyIndexes { get; private set; }

    public IReadOnlyList<CqlColumn> ResultColumns { get; private set; }

    /// <summary>Binds values in the order of the <c>?</c> markers.</summary>
    public CqlStatement Bind(params object?[]? values) => CqlStatement.Prepared(this, values);

    internal void Replace(PreparedStatement fresh)
    {
        Variables = fresh.Variables;
        PartitionKeyIndexes = fresh.PartitionKeyIndexes;
        ResultColumns = fresh.ResultColumns;
        Volatile.Write(ref _id, fresh.Id);
    }
}
