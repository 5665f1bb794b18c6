using System.Net;

namespace CdcPipeline.AppHost.Local.Cassandra;

/// <summary>Keyspaces and tables of the in-memory CQL server; callers hold <see cref="Sync"/> while reading or writing.</summary>
internal sealed class CqlStore
{
    public const string ReleaseVersion = "4.1.5";
    public const string ClusterName = "CdcPipeline in-memory cluster";
    public const string DataCenter = "datacenter1";
    public const string Partitioner = "org.apache.cassandra.dht.Murmur3Partitioner";

    /// <summary>The node's only token: a single node owns the whole ring whatever its token.</summary>
    public const string Token = "0";

    private readonly Dictionary<string, CqlKeyspace> _keyspaces = new(StringComparer.Ordinal);
    private long _lastTimestamp;

    public CqlStore(IPAddress address)
    {
        Address = address;
        foreach (var keyspace in CqlSystemKeyspaces.Create())
        {
            _keyspaces[keyspace.Name] = keyspace;
        }

        FindTable(CqlSystemKeyspaces.System, "local")!.Insert(
            new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["key"] = "local",
                ["bootstrapped"] = "COMPLETED",
                ["broadcast_address"] = address,
                ["broadcast_port"] = 7000,
                ["cluster_name"] = ClusterName,
                ["cql_version"] = "3.4.6",
                ["data_center"] = DataCenter,
                ["host_id"] = Guid.NewGuid(),
                ["listen_address"] = address,
                ["listen_port"] = 7000,
                ["native_protocol_version"] = "4",
                ["partitioner"] = Partitioner,
                ["rack"] = "rack1",
                ["release_version"] = ReleaseVersion,
                ["rpc_address"] = address,
                ["tokens"] = new[] { Token },
            },
            NextTimestamp());
        SchemaChanged();
    }

    public object Sync { get; } = new();

    public IPAddress Address { get; }

    public Guid SchemaVersion { get; private set; }

    public IEnumerable<CqlKeyspace> Keyspaces => _keyspaces.Values;

    public CqlKeyspace? FindKeyspace(string keyspace) => _keyspaces.GetValueOrDefault(keyspace);

    public bool HasKeyspace(string keyspace) => _keyspaces.ContainsKey(keyspace);

    public void AddKeyspace(string keyspace, CqlReplication replication, bool durableWrites)
    {
        _keyspaces[keyspace] = new CqlKeyspace(keyspace, CqlKeyspaceKind.User, replication, durableWrites);
        SchemaChanged();
    }

    public void DropKeyspace(string keyspace)
    {
        _keyspaces.Remove(keyspace);
        SchemaChanged();
    }

    public CqlTableData? FindTable(string keyspace, string table) =>
        _keyspaces.TryGetValue(keyspace, out var found) && found.Tables.TryGetValue(table, out var data) ? data : null;

    public void AddTable(CqlTableSchema schema)
    {
        _keyspaces[schema.Keyspace].Tables[schema.Name] = new CqlTableData(schema);
        SchemaChanged();
    }

    public void DropTable(string keyspace, string table)
    {
        _keyspaces[keyspace].Tables.Remove(table);
        SchemaChanged();
    }

    public IReadOnlyList<string> TableNames(string keyspace) =>
        _keyspaces.TryGetValue(keyspace, out var found) ? [.. found.Tables.Keys.Order(StringComparer.Ordinal)] : [];

    /// <summary>Records the port clients connect to, as <c>system.local.rpc_port</c>.</summary>
    public void SetNativePort(int port) =>
        FindTable(CqlSystemKeyspaces.System, "local")!.Insert(
            new Dictionary<string, object?>(StringComparer.Ordinal) { ["key"] = "local", ["rpc_port"] = port }, NextTimestamp());

    /// <summary>Current time in microseconds, strictly increasing, as Cassandra stamps writes that carry no timestamp.</summary>
    public long NextTimestamp()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;
        _lastTimestamp = Math.Max(now, _lastTimestamp + 1);
        return _lastTimestamp;
    }

    private void SchemaChanged()
    {
        SchemaVersion = Guid.NewGuid();
        var timestamp = NextTimestamp();
        FindTable(CqlSystemKeyspaces.System, "local")!.Insert(
            new Dictionary<string, object?>(StringComparer.Ordinal) { ["key"] = "local", ["schema_version"] = SchemaVersion }, timestamp);
        CqlSystemKeyspaces.Refresh(this, timestamp);
    }
}
