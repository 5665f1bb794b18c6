using System.Net;
using CdcPipeline.ServiceDefaults.Cassandra;
using CdcPipeline.ServiceDefaults.Cassandra.Codecs;

namespace CdcPipeline.AppHost.Local.Cassandra;

/// <summary>Keyspaces and tables of the in-memory CQL server; callers hold <see cref="Sync"/> while reading or writing.</summary>
internal sealed class CqlStore
{
    public const string ReleaseVersion = "4.1.5";

    private readonly Dictionary<string, Dictionary<string, CqlTableData>> _keyspaces = new(StringComparer.Ordinal);
    private long _lastTimestamp;

    public CqlStore(IPAddress address)
    {
        _keyspaces["system"] = new Dictionary<string, CqlTableData>(StringComparer.Ordinal);
        AddSystemTables(address);
    }

    public object Sync { get; } = new();

    public Guid SchemaVersion { get; private set; } = Guid.NewGuid();

    public bool HasKeyspace(string keyspace) => _keyspaces.ContainsKey(keyspace);

    public void AddKeyspace(string keyspace)
    {
        _keyspaces[keyspace] = new Dictionary<string, CqlTableData>(StringComparer.Ordinal);
        SchemaChanged();
    }

    public void DropKeyspace(string keyspace)
    {
        _keyspaces.Remove(keyspace);
        SchemaChanged();
    }

    public CqlTableData? FindTable(string keyspace, string table) =>
        _keyspaces.TryGetValue(keyspace, out var tables) && tables.TryGetValue(table, out var data) ? data : null;

    public void AddTable(CqlTableSchema schema)
    {
        _keyspaces[schema.Keyspace][schema.Name] = new CqlTableData(schema);
        SchemaChanged();
    }

    public void DropTable(string keyspace, string table)
    {
        _keyspaces[keyspace].Remove(table);
        SchemaChanged();
    }

    public IReadOnlyList<string> TableNames(string keyspace) =>
        _keyspaces.TryGetValue(keyspace, out var tables) ? [.. tables.Keys.Order(StringComparer.Ordinal)] : [];

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
        FindTable("system", "local")?.Write(
            [Text("local")],
            [],
            new Dictionary<string, byte[]?> { ["schema_version"] = Uuid(SchemaVersion) },
            NextTimestamp(),
            writeMarker: false);
    }

    private void AddSystemTables(IPAddress address)
    {
        var text = CqlType.Of(CqlTypeCode.Varchar);
        var uuid = CqlType.Of(CqlTypeCode.Uuid);
        var inet = CqlType.Of(CqlTypeCode.Inet);
        var local = new CqlTableSchema("system", "local", [
            new("key", text, CqlColumnKind.PartitionKey),
            new("broadcast_address", inet, CqlColumnKind.Regular),
            new("cluster_name", text, CqlColumnKind.Regular),
            new("cql_version", text, CqlColumnKind.Regular),
            new("data_center", text, CqlColumnKind.Regular),
            new("host_id", uuid, CqlColumnKind.Regular),
            new("listen_address", inet, CqlColumnKind.Regular),
            new("native_protocol_version", text, CqlColumnKind.Regular),
            new("partitioner", text, CqlColumnKind.Regular),
            new("rack", text, CqlColumnKind.Regular),
            new("release_version", text, CqlColumnKind.Regular),
            new("rpc_address", inet, CqlColumnKind.Regular),
            new("schema_version", uuid, CqlColumnKind.Regular),
        ], []);
        AddTable(local);
        var peers = new CqlTableSchema("system", "peers", [
            new("peer", inet, CqlColumnKind.PartitionKey),
            new("data_center", text, CqlColumnKind.Regular),
            new("host_id", uuid, CqlColumnKind.Regular),
            new("preferred_ip", inet, CqlColumnKind.Regular),
            new("rack", text, CqlColumnKind.Regular),
            new("release_version", text, CqlColumnKind.Regular),
            new("rpc_address", inet, CqlColumnKind.Regular),
            new("schema_version", uuid, CqlColumnKind.Regular),
        ], []);
        AddTable(peers);
        FindTable("system", "local")!.Write(
            [Text("local")],
            [],
            new Dictionary<string, byte[]?>
            {
                ["broadcast_address"] = address.GetAddressBytes(),
                ["cluster_name"] = Text("CdcPipeline in-memory cluster"),
                ["cql_version"] = Text("3.4.6"),
                ["data_center"] = Text("datacenter1"),
                ["host_id"] = Uuid(Guid.NewGuid()),
                ["listen_address"] = address.GetAddressBytes(),
                ["native_protocol_version"] = Text("4"),
                ["partitioner"] = Text("org.apache.cassandra.dht.Murmur3Partitioner"),
                ["rack"] = Text("rack1"),
                ["release_version"] = Text(ReleaseVersion),
                ["rpc_address"] = address.GetAddressBytes(),
                ["schema_version"] = Uuid(SchemaVersion),
            },
            NextTimestamp(),
            writeMarker: true);
    }

    private static byte[] Text(string value) => CqlCodec.Serialize(CqlType.Of(CqlTypeCode.Varchar), value).Bytes!;

    private static byte[] Uuid(Guid value) => CqlCodec.Serialize(CqlType.Of(CqlTypeCode.Uuid), value).Bytes!;
}
