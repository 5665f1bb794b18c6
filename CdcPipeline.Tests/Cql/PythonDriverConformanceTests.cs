using System.Globalization;
using System.Text.Json;
using CdcPipeline.AppHost.Local.Cassandra;
using CdcPipeline.ServiceDefaults.Cassandra;

namespace CdcPipeline.Tests.Cql;

/// <summary>
/// Proves the test server speaks the protocol real clients speak: the DataStax Python driver connects, creates a
/// keyspace and table, inserts through prepared statements (re-preparing after the server forgot them), pages through
/// a query two rows at a time and reads the rows back.
/// </summary>
public class PythonDriverConformanceTests
{
    private const string Script = """
        import json, sys, uuid, decimal, datetime
        from cassandra.cluster import Cluster
        from cassandra.auth import PlainTextAuthProvider
        from cassandra.query import BatchStatement, BatchType, SimpleStatement

        def control(command):
            print('CONTROL:' + command, flush=True)
            reply = sys.stdin.readline().strip()
            if reply != 'done':
                raise RuntimeError('control %s answered %r' % (command, reply))

        port, keyspace, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
        cluster = Cluster(['127.0.0.1'], port=port, protocol_version=4,
                          schema_metadata_enabled=False, token_metadata_enabled=False,
                          idle_heartbeat_interval=0, compression=False, connect_timeout=20, control_connection_timeout=20,
                          auth_provider=PlainTextAuthProvider(username=user, password=password))
        session = cluster.connect()
        session.default_timeout = 20
        session.execute("CREATE KEYSPACE IF NOT EXISTS %s WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}" % keyspace)
        session.execute("CREATE TABLE %s.orders (order_id uuid PRIMARY KEY, product text, quantity int, total_cents bigint, "
                        "paid boolean, price decimal, ship_date date, created_at timestamp)" % keyspace)
        insert = session.prepare("INSERT INTO %s.orders (order_id, product, quantity, total_cents, paid, price, ship_date, created_at) "
                                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?)" % keyspace)
        rows = [
            (uuid.UUID('9b2f1a52-3c4d-4e5f-8a9b-0c1d2e3f4a5b'), 'Zoë’s lamp', 3, 9007199254740993, True,
             decimal.Decimal('99999999.99'), datetime.date(2024, 2, 29), datetime.datetime(2024, 2, 29, 23, 59, 58, 123000)),
            (uuid.UUID('00000000-0000-4000-8000-000000000001'), 'refund', -7, -42, False,
             decimal.Decimal('-0.01'), datetime.date(1969, 7, 20), datetime.datetime(1965, 1, 1, 0, 0, 0, 1000)),
        ]
        session.execute(insert, rows[0])
        # The server forgets its prepared statements (a restart): the driver gets UNPREPARED and must re-prepare.
        control('forget-prepared')
        session.execute(insert, rows[1])
        batch = BatchStatement(batch_type=BatchType.UNLOGGED)
        batch.add(insert, (uuid.UUID('00000000-0000-4000-8000-000000000002'), 'batched', 1, 1, True,
                           decimal.Decimal('0'), datetime.date(1970, 1, 1), datetime.datetime(1970, 1, 1)))
        session.execute(batch)
        select = session.prepare("SELECT order_id, product, quantity, total_cents, paid, price, ship_date, created_at FROM %s.orders WHERE order_id = ?" % keyspace)
        result = []
        for key in [r[0] for r in rows] + [uuid.UUID('00000000-0000-4000-8000-000000000002')]:
            r = session.execute(select, (key,)).one()
            result.append({'order_id': str(r.order_id), 'product': r.product, 'quantity': r.quantity,
                           'total_cents': r.total_cents, 'paid': r.paid, 'price': str(r.price),
                           'ship_date': str(r.ship_date), 'created_at': r.created_at.isoformat()})
        count = session.execute("SELECT COUNT(*) FROM %s.orders" % keyspace).one()[0]
        version = session.execute("SELECT release_version FROM system.local").one()[0]
        session.execute("CREATE TABLE %s.events (stream int, seq int, PRIMARY KEY (stream, seq))" % keyspace)
        insert_event = session.prepare("INSERT INTO %s.events (stream, seq) VALUES (?, ?)" % keyspace)
        for seq in range(1, 8):
            session.execute(insert_event, (1, seq))
        first = session.execute(SimpleStatement("SELECT seq FROM %s.events WHERE stream = 1" % keyspace, fetch_size=2))
        first_page = [r.seq for r in first.current_rows]
        more = first.has_more_pages
        paged = [r.seq for r in first]
        print(json.dumps({'rows': result, 'count': count, 'release_version': version,
                          'first_page': first_page, 'has_more_pages': more, 'paged': paged}))
        cluster.shutdown()
        """;

    private const string NegotiationScript = """
        import sys
        from cassandra.cluster import Cluster
        cluster = Cluster(['127.0.0.1'], port=int(sys.argv[1]), schema_metadata_enabled=False, token_metadata_enabled=False,
                          idle_heartbeat_interval=0, compression=False, connect_timeout=20, control_connection_timeout=20)
        session = cluster.connect()
        print(cluster.protocol_version, session.execute("SELECT release_version FROM system.local WHERE key = 'local'").one()[0])
        cluster.shutdown()
        """;

    [Fact]
    public async Task Python_driver_offering_v5_is_told_to_use_v4_and_downgrades()
    {
        var unavailable = await PythonDriver.UnavailableReasonAsync();
        Assert.SkipUnless(unavailable is null, $"Skipped: {unavailable}");
        await using var server = InMemoryCqlServer.Start();

        var (exitCode, output, error) = await PythonDriver.RunScriptAsync(
            NegotiationScript, [server.Port.ToString(CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(90));

        Assert.True(exitCode == 0, $"python exited with {exitCode}: {error}");
        Assert.Equal("4 4.1.5", output.Trim().Split('\n')[^1]);
    }

    [Fact]
    public async Task Python_driver_creates_schema_inserts_prepared_rows_and_reads_them_back()
    {
        var unavailable = await PythonDriver.UnavailableReasonAsync();
        Assert.SkipUnless(unavailable is null, $"Skipped: {unavailable}");
        await using var server = InMemoryCqlServer.Start("cdc", "s3cret");
        const string keyspace = "python_conformance";

        var forgotten = 0;
        var (exitCode, output, error) = await PythonDriver.RunScriptAsync(
            Script,
            [server.Port.ToString(CultureInfo.InvariantCulture), keyspace, "cdc", "s3cret"],
            TimeSpan.FromSeconds(90),
            command =>
            {
                Assert.Equal("forget-prepared", command);
                server.ForgetPreparedStatements();
                forgotten++;
                return "done";
            });

        Assert.True(exitCode == 0, $"python exited with {exitCode}: {error}");
        using var json = JsonDocument.Parse(output.Trim().Split('\n')[^1]);
        var rows = json.RootElement.GetProperty("rows");
        Assert.Equal(3, json.RootElement.GetProperty("count").GetInt64());
        Assert.Equal("4.1.5", json.RootElement.GetProperty("release_version").GetString());
        Assert.Equal(1, forgotten);
        Assert.Equal([1, 2], json.RootElement.GetProperty("first_page").EnumerateArray().Select(e => e.GetInt32()));
        Assert.True(json.RootElement.GetProperty("has_more_pages").GetBoolean());
        Assert.Equal([1, 2, 3, 4, 5, 6, 7], json.RootElement.GetProperty("paged").EnumerateArray().Select(e => e.GetInt32()));
        AssertRow(rows[0], "9b2f1a52-3c4d-4e5f-8a9b-0c1d2e3f4a5b", "Zoë’s lamp", 3, 9007199254740993, true, "99999999.99", "2024-02-29", "2024-02-29T23:59:58.123000");
        AssertRow(rows[1], "00000000-0000-4000-8000-000000000001", "refund", -7, -42, false, "-0.01", "1969-07-20", "1965-01-01T00:00:00.001000");
        AssertRow(rows[2], "00000000-0000-4000-8000-000000000002", "batched", 1, 1, true, "0", "1970-01-01", "1970-01-01T00:00:00");

        var stored = server.Rows(keyspace, "orders").Single(r => (Guid)r["order_id"]! == Guid.Parse("9b2f1a52-3c4d-4e5f-8a9b-0c1d2e3f4a5b"));
        Assert.Equal(99999999.99m, stored["price"]);
        Assert.Equal(new DateOnly(2024, 2, 29), stored["ship_date"]);
        Assert.Equal(new DateTimeOffset(2024, 2, 29, 23, 59, 58, 123, TimeSpan.Zero), stored["created_at"]);

        await using var session = new CqlSession(new CassandraClientSettings { ContactPoints = ["127.0.0.1"], Port = server.Port, Username = "cdc", Password = "s3cret" });
        var refund = (await session.QueryAsync($"SELECT * FROM {keyspace}.orders WHERE order_id = ?", Guid.Parse("00000000-0000-4000-8000-000000000001")).ConfigureAwait(true)).CurrentPage.Single();
        Assert.Equal(-0.01m, refund.Get<decimal>("price"));
        Assert.Equal(new DateOnly(1969, 7, 20), refund.Get<DateOnly>("ship_date"));
        Assert.Equal("refund", refund.Get<string>("product"));
    }

    private static void AssertRow(JsonElement row, string id, string product, int quantity, long total, bool paid, string price, string shipDate, string createdAt)
    {
        Assert.Equal(id, row.GetProperty("order_id").GetString());
        Assert.Equal(product, row.GetProperty("product").GetString());
        Assert.Equal(quantity, row.GetProperty("quantity").GetInt32());
        Assert.Equal(total, row.GetProperty("total_cents").GetInt64());
        Assert.Equal(paid, row.GetProperty("paid").GetBoolean());
        Assert.Equal(price, row.GetProperty("price").GetString());
        Assert.Equal(shipDate, row.GetProperty("ship_date").GetString());
        Assert.Equal(createdAt, row.GetProperty("created_at").GetString());
    }
}
