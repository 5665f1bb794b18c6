using CdcPipeline.AppHost.Local.Cassandra;
using CdcPipeline.ServiceDefaults.Cassandra;
using CqlServerException = CdcPipeline.ServiceDefaults.Cassandra.CqlServerException;

namespace CdcPipeline.Tests.Cql;

/// <summary>
/// The schema tables drivers and cqlsh read (<c>system_schema.*</c>), kept in step with the keyspaces and tables the
/// server holds, and the server-side DESCRIBE that cqlsh 6 sends.
/// </summary>
public class CqlSystemSchemaTests
{
    private const string Keyspace = SinkSchema.Keyspace;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Schema_columns_give_each_columns_kind_position_clustering_order_and_type()
    {
        await using var cql = await SinkSchemaAsync();

        var rows = await cql.Session.QueryAsync(
            "SELECT column_name, kind, position, clustering_order, type FROM system_schema.columns WHERE keyspace_name = ? AND table_name = ?",
            Keyspace, "orders_by_user");

        Assert.Equal(
            [
                "is_deleted regular -1 none boolean",
                "modified_at regular -1 none timestamp",
                "order_id clustering 1 asc uuid",
                "placed_at clustering 0 desc timestamp",
                "quantity regular -1 none int",
                "status regular -1 none text",
                "total_amount regular -1 none decimal",
                "user_id partition_key 0 none uuid",
            ],
            rows.CurrentPage.Select(r => $"{r[0]} {r[1]} {r[2]} {r[3]} {r[4]}"));
    }

    [Fact]
    public async Task Schema_tables_follow_creates_and_drops_and_system_local_gets_a_new_schema_version()
    {
        await using var cql = await CqlServerWithSession.StartAsync("ks");
        var before = await SchemaVersionAsync(cql.Session);

        await cql.Session.ExecuteAsync("CREATE TABLE t (id int PRIMARY KEY, v text)");
        var created = await TableNamesAsync(cql.Session, "ks");
        var afterCreate = await SchemaVersionAsync(cql.Session);
        await cql.Session.ExecuteAsync("DROP TABLE t");

        Assert.Equal(["t"], created);
        Assert.Empty(await TableNamesAsync(cql.Session, "ks"));
        Assert.NotEqual(before, afterCreate);
        Assert.NotEqual(afterCreate, await SchemaVersionAsync(cql.Session));
        var flags = (await cql.Session.QueryAsync("SELECT flags FROM system_schema.tables WHERE keyspace_name = 'system' AND table_name = 'local'")).CurrentPage;
        Assert.Equal("compound", Assert.Single(Assert.Single(flags).Get<List<object?>>("flags")));
    }

    [Fact]
    public async Task Replication_is_stored_as_cassandra_normalizes_it()
    {
        await using var server = InMemoryCqlServer.Start();
        await using var session = new CqlSession(CqlServerWithSession.Settings(server));

        await session.ExecuteAsync("CREATE KEYSPACE simple WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
        await session.ExecuteAsync("CREATE KEYSPACE nts WITH replication = {'class': 'org.apache.cassandra.locator.NetworkTopologyStrategy', 'replication_factor': '2'} AND durable_writes = false");

        Assert.Equal("true class=org.apache.cassandra.locator.SimpleStrategy,replication_factor=1", await ReplicationAsync(session, "simple"));
        Assert.Equal("false class=org.apache.cassandra.locator.NetworkTopologyStrategy,datacenter1=2", await ReplicationAsync(session, "nts"));
    }

    [Theory]
    [InlineData("{'replication_factor': 1}", "Missing replication strategy class")]
    [InlineData("{'class': 'SimpleStrategy'}", "SimpleStrategy requires a replication_factor strategy option.")]
    [InlineData("{'class': 'SimpleStrategy', 'replication_factor': 'three'}", "Replication factor must be numeric; found three")]
    [InlineData("{'class': 'NetworkTopologyStrategy', 'dc2': 3}", "Unrecognized strategy option {dc2} passed to NetworkTopologyStrategy for keyspace k")]
    [InlineData("{'class': 'LocalStrategy'}", "Unable to use given strategy class: LocalStrategy is reserved for internal use.")]
    [InlineData("{'class': 'NoSuchStrategy'}", "Unable to find replication strategy class 'org.apache.cassandra.locator.NoSuchStrategy'")]
    public async Task Invalid_replication_is_refused_with_cassandras_configuration_error(string replication, string message)
    {
        await using var server = InMemoryCqlServer.Start();
        await using var session = new CqlSession(CqlServerWithSession.Settings(server));

        var error = await Assert.ThrowsAnyAsync<CqlServerException>(() => session.ExecuteAsync($"CREATE KEYSPACE k WITH replication = {replication}"));

        Assert.Equal((CqlErrorCode.ConfigError, message), (error.Code, error.ServerMessage));
        Assert.Empty((await session.QueryAsync("SELECT keyspace_name FROM system_schema.keyspaces WHERE keyspace_name = 'k'")).CurrentPage);
    }

    [Fact]
    public async Task System_schema_is_read_only_and_system_keyspaces_take_no_new_tables()
    {
        await using var cql = await CqlServerWithSession.StartAsync("ks");

        var insert = await Assert.ThrowsAnyAsync<CqlServerException>(() => cql.Session.ExecuteAsync(
            "INSERT INTO system_schema.keyspaces (keyspace_name, durable_writes) VALUES ('fake', true)"));
        var create = await Assert.ThrowsAnyAsync<CqlServerException>(() => cql.Session.ExecuteAsync("CREATE TABLE system.mine (id int PRIMARY KEY)"));
        var drop = await Assert.ThrowsAnyAsync<CqlServerException>(() => cql.Session.ExecuteAsync("DROP KEYSPACE system_schema"));

        Assert.Equal((CqlErrorCode.Unauthorized, "system_schema keyspace is not user-modifiable."), (insert.Code, insert.ServerMessage));
        Assert.Equal((CqlErrorCode.Unauthorized, "system keyspace is not user-modifiable."), (create.Code, create.ServerMessage));
        Assert.Equal(CqlErrorCode.Unauthorized, drop.Code);
        Assert.Equal(["ks", "system", "system_schema"], (await cql.Session.QueryAsync("SELECT keyspace_name FROM system_schema.keyspaces")).CurrentPage
            .Select(r => r.Get<string>(0)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Describe_table_returns_the_create_statement_cassandra_4_1_prints()
    {
        await using var cql = await SinkSchemaAsync();

        var row = Assert.Single((await cql.Session.QueryAsync($"DESCRIBE TABLE {Keyspace}.orders_by_user")).CurrentPage);

        Assert.Equal((Keyspace, "table", "orders_by_user"), (row.Get<string>("keyspace_name"), row.Get<string>("type"), row.Get<string>("name")));
        Assert.Equal(
            """
            CREATE TABLE cdc_keyspace.orders_by_user (
                user_id uuid,
                placed_at timestamp,
                order_id uuid,
                is_deleted boolean,
                modified_at timestamp,
                quantity int,
                status text,
                total_amount decimal,
                PRIMARY KEY (user_id, placed_at, order_id)
            ) WITH CLUSTERING ORDER BY (placed_at DESC, order_id ASC)
                AND additional_write_policy = '99p'
                AND bloom_filter_fp_chance = 0.01
                AND caching = {'keys': 'ALL', 'rows_per_partition': 'NONE'}
                AND cdc = false
                AND comment = ''
                AND compaction = {'class': 'org.apache.cassandra.db.compaction.SizeTieredCompactionStrategy', 'max_threshold': '32', 'min_threshold': '4'}
                AND compression = {'chunk_length_in_kb': '16', 'class': 'org.apache.cassandra.io.compress.LZ4Compressor'}
                AND memtable = 'default'
                AND crc_check_chance = 1.0
                AND default_time_to_live = 0
                AND extensions = {}
                AND gc_grace_seconds = 864000
                AND max_index_interval = 2048
                AND memtable_flush_period_in_ms = 0
                AND min_index_interval = 128
                AND read_repair = 'BLOCKING'
                AND speculative_retry = '99p';
            """.ReplaceLineEndings("\n"),
            row.Get<string>("create_statement"));
    }

    [Fact]
    public async Task Describe_keyspace_gives_the_keyspace_then_its_tables_and_its_output_recreates_them()
    {
        await using var cql = await SinkSchemaAsync();

        var rows = (await cql.Session.QueryAsync($"DESC KEYSPACE {Keyspace}")).CurrentPage;

        Assert.Equal(
            [$"keyspace {Keyspace}", "table orders", "table orders_by_user", "table users"],
            rows.Select(r => $"{r.Get<string>("type")} {r.Get<string>("name")}"));
        Assert.Equal(
            "CREATE KEYSPACE cdc_keyspace WITH replication = {'class': 'SimpleStrategy', 'replication_factor': '1'}  AND durable_writes = true;",
            rows[0].Get<string>("create_statement"));
        await using var fresh = await CqlServerWithSession.StartAsync("other");
        foreach (var row in rows)
        {
            await fresh.Session.ExecuteAsync(row.Get<string>("create_statement"));
        }

        Assert.Equal(await ColumnsAsync(cql.Session), await ColumnsAsync(fresh.Session));
    }

    [Fact]
    public async Task Describe_keyspaces_and_tables_list_names_including_the_system_keyspaces()
    {
        await using var cql = await SinkSchemaAsync();
        await using var noKeyspace = new CqlSession(CqlServerWithSession.Settings(cql.Server));

        var keyspaces = (await cql.Session.QueryAsync("DESCRIBE KEYSPACES")).CurrentPage;
        var tablesInUse = (await cql.Session.QueryAsync("DESCRIBE TABLES")).CurrentPage;
        var allTables = (await noKeyspace.QueryAsync("DESCRIBE TABLES")).CurrentPage;

        Assert.Equal([Keyspace, "scratch", "system", "system_schema", "system_virtual_schema"], keyspaces.Select(r => r.Get<string>("name")));
        Assert.Equal(["keyspace_name", "type", "name"], keyspaces[0].Columns.Select(c => c.Name));
        Assert.Equal(["orders", "orders_by_user", "users"], tablesInUse.Select(r => r.Get<string>("name")));
        Assert.Contains(allTables, r => r.Get<string>("keyspace_name") == "system_schema" && r.Get<string>("name") == "columns");
    }

    [Fact]
    public async Task Describe_pages_by_row_and_refuses_a_next_page_after_the_schema_changed()
    {
        await using var cql = await SinkSchemaAsync();
        var unpaged = (await cql.Session.QueryAsync("DESCRIBE FULL SCHEMA")).CurrentPage.Select(r => r.Get<string>("name")).ToList();

        var paged = new List<string>();
        var page = await cql.Session.QueryAsync(CqlStatement.Simple("DESCRIBE FULL SCHEMA"), new CqlQueryOptions { PageSize = 3 }, Ct);
        while (true)
        {
            Assert.InRange(page.CurrentPage.Count, 1, 3);
            paged.AddRange(page.CurrentPage.Select(r => r.Get<string>("name")));
            if (await page.FetchNextPageAsync(Ct) is not { } next)
            {
                break;
            }

            page = next;
        }

        var first = await cql.Session.QueryAsync(CqlStatement.Simple("DESCRIBE SCHEMA"), new CqlQueryOptions { PageSize = 1 }, Ct);
        await cql.Session.ExecuteAsync("CREATE TABLE later (id int PRIMARY KEY)");
        var stale = await Assert.ThrowsAnyAsync<CqlServerException>(() => first.FetchNextPageAsync(Ct));

        Assert.Equal(unpaged, paged);
        Assert.Contains("system_schema", unpaged);
        Assert.Equal("The schema has changed since the previous page of the DESCRIBE statement result. Please retry the DESCRIBE statement.", stale.ServerMessage);
    }

    [Fact]
    public async Task Describe_names_what_it_cannot_find()
    {
        await using var cql = await SinkSchemaAsync();
        await using var noKeyspace = new CqlSession(CqlServerWithSession.Settings(cql.Server));

        Assert.Equal("Table 'nope' not found in keyspace 'cdc_keyspace'", await DescribeErrorAsync(cql.Session, "DESCRIBE TABLE nope"));
        Assert.Equal("'nope' not found in keyspace 'cdc_keyspace'", await DescribeErrorAsync(cql.Session, "DESCRIBE nope"));
        Assert.Equal("'nope' not found in keyspaces", await DescribeErrorAsync(cql.Session, "DESCRIBE KEYSPACE nope"));
        Assert.Equal("User defined type 'address' not found in 'cdc_keyspace'", await DescribeErrorAsync(cql.Session, "DESCRIBE TYPE address"));
        Assert.Equal("No keyspace specified and no current keyspace", await DescribeErrorAsync(noKeyspace, "DESCRIBE TABLE users"));
    }

    private static async Task<CqlServerWithSession> SinkSchemaAsync()
    {
        var cql = await CqlServerWithSession.StartAsync("scratch");
        await SinkSchema.ApplyAsync(cql.Session);
        await cql.Session.ExecuteAsync($"USE {Keyspace}");
        return cql;
    }

    private static async Task<string> DescribeErrorAsync(CqlSession session, string describe)
    {
        var error = await Assert.ThrowsAnyAsync<CqlServerException>(() => session.QueryAsync(describe));
        Assert.Equal(CqlErrorCode.Invalid, error.Code);
        return error.ServerMessage;
    }

    private static async Task<Guid> SchemaVersionAsync(CqlSession session) =>
        Assert.Single((await session.QueryAsync("SELECT schema_version FROM system.local WHERE key = 'local'")).CurrentPage).Get<Guid>(0);

    private static async Task<IReadOnlyList<string>> TableNamesAsync(CqlSession session, string keyspace) =>
        [.. (await session.QueryAsync("SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?", keyspace)).CurrentPage.Select(r => r.Get<string>(0))];

    private static async Task<string> ReplicationAsync(CqlSession session, string keyspace)
    {
        var row = Assert.Single((await session.QueryAsync("SELECT durable_writes, replication FROM system_schema.keyspaces WHERE keyspace_name = ?", keyspace)).CurrentPage);
        var replication = row.Get<Dictionary<object, object?>>("replication").OrderBy(e => (string)e.Key, StringComparer.Ordinal);
        return $"{(row.Get<bool>("durable_writes") ? "true" : "false")} {string.Join(",", replication.Select(e => $"{e.Key}={e.Value}"))}";
    }

    private static async Task<IReadOnlyList<string>> ColumnsAsync(CqlSession session) =>
    [
        .. (await session.QueryAsync(
                "SELECT table_name, column_name, kind, position, clustering_order, type FROM system_schema.columns WHERE keyspace_name = ?", Keyspace))
            .CurrentPage.Select(r => string.Join(" ", Enumerable.Range(0, r.Columns.Count).Select(i => r[i]))),
    ];
}
