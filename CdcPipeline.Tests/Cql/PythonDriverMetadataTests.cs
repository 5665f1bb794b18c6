using System.Globalization;
using System.Text.Json;
using CdcPipeline.AppHost.Local.Cassandra;
using CdcPipeline.CassandraSink.Schema;
using CdcPipeline.ServiceDefaults.Cassandra;

namespace CdcPipeline.Tests.Cql;

/// <summary>
/// The DataStax Python driver connected the way cqlsh connects (default settings: schema and token metadata on, protocol
/// negotiated) builds its metadata from the server's system tables: keyspaces, the sink's tables with their keys and
/// clustering order, a DDL export that recreates them, token ownership, and rows written by our client.
/// </summary>
public class PythonDriverMetadataTests
{
    private const string Keyspace = SinkSchema.Keyspace;

    private static readonly Guid UserId = Guid.Parse("7d3c2a10-5b4e-4f6a-9c8d-1e2f3a4b5c6d");

    private const string ConnectAsCqlsh = """
        import json, sys, time, uuid
        from cassandra.cluster import Cluster
        from cassandra.policies import WhiteListRoundRobinPolicy

        def control(command):
            print('CONTROL:' + command, flush=True)
            reply = sys.stdin.readline().strip()
            if reply != 'done':
                raise RuntimeError('control %s answered %r' % (command, reply))

        port = int(sys.argv[1])
        # cqlsh 6 builds its Cluster this way: metadata settings and protocol version left at their defaults.
        cluster = Cluster(contact_points=('127.0.0.1',), port=port, load_balancing_policy=WhiteListRoundRobinPolicy(['127.0.0.1']),
                          control_connection_timeout=20, connect_timeout=20)
        session = cluster.connect()
        session.default_timeout = 20
        """;

    private const string MetadataScript = ConnectAsCqlsh + """

        user_id = uuid.UUID(sys.argv[2])
        meta = cluster.metadata
        ks = meta.keyspaces['cdc_keyspace']
        local = session.execute("select * from system.local where key = 'local'").one()
        user = session.execute(session.prepare('SELECT name, dob FROM cdc_keyspace.users WHERE id = ?'), (user_id,)).one()
        orders = session.execute('SELECT placed_at, quantity FROM cdc_keyspace.orders_by_user WHERE user_id = %s', (user_id,))
        print(json.dumps({
            'protocol': cluster.protocol_version,
            'release_version': local.release_version,
            'cql_version': local.cql_version,
            'keyspaces': sorted(meta.keyspaces),
            'virtual_keyspaces': sorted(name for name, k in meta.keyspaces.items() if k.virtual),
            'tables': sorted(ks.tables),
            'partition_keys': {name: [c.name for c in t.partition_key] for name, t in ks.tables.items()},
            'clustering': {name: ['%s %s' % (c.name, 'DESC' if c.is_reversed else 'ASC') for c in t.clustering_key] for name, t in ks.tables.items()},
            'replicas': [h.address for h in meta.get_replicas('cdc_keyspace', user_id.bytes)],
            'export': ks.export_as_string(),
            'user': [user.name, str(user.dob)],
            'orders': [[r.placed_at.isoformat(), r.quantity] for r in orders],
            'count': session.execute('SELECT COUNT(*) FROM cdc_keyspace.users').one()[0],
        }))
        cluster.shutdown()
        """;

    private const string EventScript = ConnectAsCqlsh + """

        control('create-table')
        deadline = time.monotonic() + 30
        while 'created_later' not in cluster.metadata.keyspaces['cdc_keyspace'].tables:
            if time.monotonic() > deadline:
                raise SystemExit('the driver never learnt of cdc_keyspace.created_later')
            time.sleep(0.05)
        table = cluster.metadata.keyspaces['cdc_keyspace'].tables['created_later']
        print(json.dumps({'columns': list(table.columns), 'rows': [r.v for r in session.execute('SELECT v FROM cdc_keyspace.created_later')]}))
        cluster.shutdown()
        """;

    [Fact]
    public async Task Driver_with_default_metadata_connects_lists_keyspaces_and_exports_the_sinks_schema()
    {
        var unavailable = await PythonDriver.UnavailableReasonAsync();
        Assert.SkipUnless(unavailable is null, $"Skipped: {unavailable}");
        await using var server = InMemoryCqlServer.Start();
        await ApplySinkSchemaAndRowsAsync(server);

        var (exitCode, output, error) = await PythonDriver.RunScriptAsync(
            MetadataScript, [server.Port.ToString(CultureInfo.InvariantCulture), UserId.ToString()], TimeSpan.FromSeconds(90));

        Assert.True(exitCode == 0, $"python exited with {exitCode}: {error}");
        using var json = JsonDocument.Parse(output.Trim().Split('\n')[^1]);
        var result = json.RootElement;
        Assert.Equal(4, result.GetProperty("protocol").GetInt32());
        Assert.Equal("4.1.5", result.GetProperty("release_version").GetString());
        Assert.Equal("3.4.6", result.GetProperty("cql_version").GetString());
        Assert.Equal([Keyspace, "system", "system_schema", "system_virtual_schema"], Strings(result.GetProperty("keyspaces")));
        Assert.Equal(["system_virtual_schema"], Strings(result.GetProperty("virtual_keyspaces")));
        Assert.Equal(["orders", "orders_by_user", "users"], Strings(result.GetProperty("tables")));
        Assert.Equal(["id"], Strings(result.GetProperty("partition_keys").GetProperty("users")));
        Assert.Equal(["id"], Strings(result.GetProperty("partition_keys").GetProperty("orders")));
        Assert.Equal(["user_id"], Strings(result.GetProperty("partition_keys").GetProperty("orders_by_user")));
        Assert.Equal(["placed_at DESC", "order_id ASC"], Strings(result.GetProperty("clustering").GetProperty("orders_by_user")));
        Assert.Equal(["127.0.0.1"], Strings(result.GetProperty("replicas")));
        Assert.Equal(["Ada", "1990-12-10"], Strings(result.GetProperty("user")));
        Assert.Equal(
            ["2024-03-02T10:00:00", "2024-03-01T09:00:00"],
            result.GetProperty("orders").EnumerateArray().Select(o => o[0].GetString()!));
        Assert.Equal(1, result.GetProperty("count").GetInt64());

        var export = result.GetProperty("export").GetString()!;
        Assert.DoesNotContain("Warning", export, StringComparison.Ordinal);
        Assert.StartsWith("CREATE KEYSPACE cdc_keyspace WITH replication = {'class': 'SimpleStrategy', 'replication_factor': '1'}", export, StringComparison.Ordinal);
        Assert.Contains("CREATE TABLE cdc_keyspace.users (\n    id uuid PRIMARY KEY,", export, StringComparison.Ordinal);
        Assert.Contains("CREATE TABLE cdc_keyspace.orders (\n    id uuid PRIMARY KEY,", export, StringComparison.Ordinal);
        Assert.Contains("    PRIMARY KEY (user_id, placed_at, order_id)\n) WITH CLUSTERING ORDER BY (placed_at DESC, order_id ASC)", export, StringComparison.Ordinal);
        await AssertRecreatesTheSameSchemaAsync(server, export);
    }

    [Fact]
    public async Task Driver_learns_of_a_table_another_client_creates_from_the_schema_change_event()
    {
        var unavailable = await PythonDriver.UnavailableReasonAsync();
        Assert.SkipUnless(unavailable is null, $"Skipped: {unavailable}");
        await using var server = InMemoryCqlServer.Start();
        await ApplySinkSchemaAndRowsAsync(server);
        await using var session = new CqlSession(CqlServerWithSession.Settings(server));

        var (exitCode, output, error) = await PythonDriver.RunScriptAsync(
            EventScript,
            [server.Port.ToString(CultureInfo.InvariantCulture)],
            TimeSpan.FromSeconds(90),
            async command =>
            {
                Assert.Equal("create-table", command);
                await session.ExecuteAsync($"CREATE TABLE {Keyspace}.created_later (k int PRIMARY KEY, v text)");
                await session.ExecuteAsync($"INSERT INTO {Keyspace}.created_later (k, v) VALUES (1, 'seen')");
                return "done";
            });

        Assert.True(exitCode == 0, $"python exited with {exitCode}: {error}");
        using var json = JsonDocument.Parse(output.Trim().Split('\n')[^1]);
        Assert.Equal(["k", "v"], Strings(json.RootElement.GetProperty("columns")));
        Assert.Equal(["seen"], Strings(json.RootElement.GetProperty("rows")));
    }

    /// <summary>The sink's schema and a user with two orders, written by our client.</summary>
    private static async Task ApplySinkSchemaAndRowsAsync(InMemoryCqlServer server)
    {
        await using var session = new CqlSession(CqlServerWithSession.Settings(server));
        await SinkSchema.ApplyAsync(session);

        await session.ExecuteAsync(
            $"INSERT INTO {Keyspace}.users (id, name, dob, created_at, is_deleted) VALUES (?, ?, ?, ?, ?)",
            UserId, "Ada", new DateOnly(1990, 12, 10), new DateTimeOffset(2024, 3, 1, 8, 0, 0, TimeSpan.Zero), false);
        var order = await session.PrepareAsync(
            $"INSERT INTO {Keyspace}.orders_by_user (user_id, placed_at, order_id, status, quantity) VALUES (?, ?, ?, ?, ?)",
            TestContext.Current.CancellationToken);
        await session.ExecuteAsync(order, UserId, new DateTimeOffset(2024, 3, 1, 9, 0, 0, TimeSpan.Zero), Guid.NewGuid(), "placed", 1);
        await session.ExecuteAsync(order, UserId, new DateTimeOffset(2024, 3, 2, 10, 0, 0, TimeSpan.Zero), Guid.NewGuid(), "placed", 2);
    }

    /// <summary>The export, run on a fresh server, gives the same keyspace, tables and columns (names, kinds, positions, order, types).</summary>
    private static async Task AssertRecreatesTheSameSchemaAsync(InMemoryCqlServer original, string export)
    {
        await using var fresh = InMemoryCqlServer.Start();
        await using (var session = new CqlSession(CqlServerWithSession.Settings(fresh)))
        {
            foreach (var statement in CqlScript.Split(export))
            {
                await session.ExecuteAsync(statement);
            }
        }

        Assert.Equal(await SchemaRowsAsync(original), await SchemaRowsAsync(fresh));
    }

    private static async Task<IReadOnlyList<string>> SchemaRowsAsync(InMemoryCqlServer server)
    {
        await using var session = new CqlSession(CqlServerWithSession.Settings(server));
        var keyspace = await session.QueryAsync($"SELECT keyspace_name, durable_writes, replication FROM system_schema.keyspaces WHERE keyspace_name = '{Keyspace}'");
        var columns = await session.QueryAsync(
            $"SELECT table_name, column_name, kind, position, clustering_order, type FROM system_schema.columns WHERE keyspace_name = '{Keyspace}'");
        return
        [
            .. keyspace.CurrentPage.Select(r => $"{r.Get<string>(0)} {r.Get<bool>(1)} {string.Join(",", r.Get<Dictionary<object, object?>>(2).OrderBy(e => (string)e.Key).Select(e => $"{e.Key}={e.Value}"))}"),
            .. columns.CurrentPage.Select(r => string.Join(" ", Enumerable.Range(0, r.Columns.Count).Select(i => r[i]))),
        ];
    }

    private static IEnumerable<string> Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!);
}
