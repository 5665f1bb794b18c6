namespace CdcPipeline.AppHost.Local.Cassandra;

internal enum CqlKeyspaceKind
{
    /// <summary>Created by a client with CREATE KEYSPACE.</summary>
    User,

    /// <summary><c>system</c>: the node's own tables. Its rows can be written (tests add a peer to <c>system.peers</c>), not its tables.</summary>
    System,

    /// <summary><c>system_schema</c>: derived from the other keyspaces on every schema change; read-only.</summary>
    Schema,

    /// <summary><c>system_virtual_schema</c>: a virtual keyspace, listed in <c>system_virtual_schema.*</c> and not in <c>system_schema.*</c>; read-only.</summary>
    Virtual,
}

/// <summary>A keyspace of the in-memory CQL server: its replication as declared and its tables.</summary>
internal sealed class CqlKeyspace(string name, CqlKeyspaceKind kind, CqlReplication replication, bool durableWrites = true)
{
    public string Name { get; } = name;

    public CqlKeyspaceKind Kind { get; } = kind;

    public CqlReplication Replication { get; } = replication;

    public bool DurableWrites { get; } = durableWrites;

    public bool IsSystem => Kind != CqlKeyspaceKind.User;

    /// <summary>Rows of the keyspace are derived by the server and cannot be written by clients.</summary>
    public bool IsReadOnly => Kind is CqlKeyspaceKind.Schema or CqlKeyspaceKind.Virtual;

    public Dictionary<string, CqlTableData> Tables { get; } = new(StringComparer.Ordinal);
}
