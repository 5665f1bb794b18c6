namespace CdcPipeline.ServiceDefaults.Cassandra;

/// <summary>What a statement returned: nothing, rows, a keyspace switch or a schema change.</summary>
public sealed class CqlResult
{
    internal CqlResult(CqlResultKind kind, CqlRowSet? rows = null, string? keyspace = null, CqlSchemaChange? schemaChange = null)
    {
        Kind = kind;
        Rows = rows;
        Keyspace = keyspace;
        SchemaChange = schemaChange;
    }

    public CqlResultKind Kind { get; }

    /// <summary>The rows when <see cref="Kind"/> is Rows.</summary>
    public CqlRowSet? Rows { get; }

    /// <summary>The keyspace when <see cref="Kind"/> is SetKeyspace.</summary>
    public string? Keyspace { get; }

    public CqlSchemaChange? SchemaChange { get; }
}
