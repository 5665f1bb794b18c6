using CdcPipeline.AppHost.Local.Cassandra;
using CdcPipeline.ServiceDefaults.Cassandra;

namespace CdcPipeline.Tests.Cql;

public class CqlSessionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string CreateOrders =
        "CREATE TABLE IF NOT EXISTS orders (order_id uuid PRIMARY KEY, product text, quantity int, total bigint, paid boolean, " +
        "price decimal, ship_date date, created_at timestamp, note text)";

    [Fact]
    public async Task Prepared_select_star_returns_every_column_after_the_table_changed_shape()
    {
        await using var cql = await CqlServerWithSession.StartAsync("stale_meta");
        await cql.Session.ExecuteAsync("CREATE TABLE t (id int PRIMARY KEY, v text)");
        await cql.Session.ExecuteAsync("INSERT INTO t (id, v) VALUES (1, 'one')");
        var select = await cql.Session.PrepareAsync("SELECT * FROM t WHERE id = ?", Ct);
        Assert.Equal(2, (await cql.Session.QueryAsync(select, 1)).Columns.Count);

        await cql.Session.ExecuteAsync("DROP TABLE t");
        await cql.Session.ExecuteAsync("CREATE TABLE t (id int PRIMARY KEY, v text, w int)");
        await cql.Session.ExecuteAsync("INSERT INTO t (id, v, w) VALUES (1, 'one', 7)");
        var rows = await cql.Session.QueryAsync(select, 1);

        Assert.Equal(["id", "v", "w"], rows.Columns.Select(c => c.Name));
        Assert.Equal(7, rows.CurrentPage[0].Get<int>("w"));
    }

    [Fact]
    public async Task Executing_a_prepared_statement_with_null_options_or_a_null_argument_array_binds_as_meant()
    {
        await using var cql = await CqlServerWithSession.StartAsync("null_arg");
        await cql.Session.ExecuteAsync("CREATE TABLE t (id int PRIMARY KEY, v text)");
        await cql.Session.ExecuteAsync("INSERT INTO t (id, v) VALUES (1, 'x')");
        var clear = await cql.Session.PrepareAsync("UPDATE t SET v = ? WHERE id = 1", Ct);

        await cql.Session.ExecuteAsync(clear, (CqlQueryOptions?)null, "y");
        Assert.Equal("y", Assert.Single(cql.Server.Rows("null_arg", "t"))["v"]);
        await cql.Session.ExecuteAsync(clear, (object?[]?)null);

        Assert.Null(Assert.Single(cql.Server.Rows("null_arg", "t"))["v"]);
    }

    [Fact]
    public async Task Connects_with_startup_and_reads_system_local()
    {
        await using var server = InMemoryCqlServer.Start();
        await using var session = new CqlSession(CqlServerWithSession.Settings(server));

        var rows = await session.QueryAsync("SELECT release_version, cluster_name FROM system.local WHERE key = 'local'");

        var row = Assert.Single(rows.CurrentPage);
        Assert.Equal("4.1.5", row.Get<string>("release_version"));
        Assert.Equal(["release_version", "cluster_name"], rows.Columns.Select(c => c.Name));
    }

    [Fact]
    public async Task Password_authentication_with_the_right_credentials_succeeds()
    {
        await using var server = InMemoryCqlServer.Start("cdc", "s3cret");
        await using var session = new CqlSession(CqlServerWithSession.Settings(server));

        var result = await session.ExecuteAsync("CREATE KEYSPACE auth_ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");

        Assert.Equal(new CqlSchemaChange("CREATED", "KEYSPACE", "auth_ks", string.Empty), result.SchemaChange);
    }

    [Fact]
    public async Task Wrong_password_fails_with_the_servers_message()
    {
        await using var server = InMemoryCqlServer.Start("cdc", "s3cret");
        await using var session = new CqlSession(CqlServerWithSession.Settings(server, s => s.Password = "wrong"));

        var error = await Assert.ThrowsAsync<CqlAuthenticationException>(() => session.ExecuteAsync("SELECT * FROM system.local"));

        Assert.Equal("Cassandra error 0x0100 (AuthenticationError): Provided username cdc and/or password are incorrect", error.Message);
    }

    [Fact]
    public async Task Missing_credentials_for_a_server_that_requires_them_say_so()
    {
        await using var server = InMemoryCqlServer.Start("cdc", "s3cret");
        await using var session = new CqlSession(new CassandraClientSettings { ContactPoints = ["127.0.0.1"], Port = server.Port });

        var error = await Assert.ThrowsAsync<CqlException>(() => session.ExecuteAsync("SELECT * FROM system.local"));

        Assert.Contains("requires authentication (org.apache.cassandra.auth.PasswordAuthenticator) but no Username/Password is configured", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Prepared_insert_is_read_back_with_every_type()
    {
        await using var cql = await CqlServerWithSession.StartAsync();
        var schema = await cql.Session.ExecuteAsync(CreateOrders);
        Assert.Equal(new CqlSchemaChange("CREATED", "TABLE", "cdc_test", "orders"), schema.SchemaChange);
        var insert = await cql.Session.PrepareAsync(
            "INSERT INTO orders (order_id, product, quantity, total, paid, price, ship_date, created_at, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", Ct);
        var id = Guid.NewGuid();
        var created = new DateTimeOffset(2024, 5, 6, 7, 8, 9, 123, TimeSpan.Zero);

        await cql.Session.ExecuteAsync(insert, id, "lamp", 3, 9_007_199_254_740_993L, true, -12345678.90m, new DateOnly(1969, 7, 20), created, null);

        Assert.Equal(["order_id", "product", "quantity", "total", "paid", "price", "ship_date", "created_at", "note"], insert.Variables.Select(v => v.Name));
        Assert.Equal([0], insert.PartitionKeyIndexes);
        var select = await cql.Session.PrepareAsync("SELECT * FROM orders WHERE order_id = ?", Ct);
        var row = Assert.Single((await cql.Session.QueryAsync(select, id)).CurrentPage);
        Assert.Equal(id, row.Get<Guid>("order_id"));
        Assert.Equal("lamp", row.Get<string>("product"));
        Assert.Equal(3, row.Get<int>("quantity"));
        Assert.Equal(9_007_199_254_740_993L, row.Get<long>("total"));
        Assert.True(row.Get<bool>("paid"));
        Assert.Equal(-12345678.90m, row.Get<decimal>("price"));
        Assert.Equal(new DateOnly(1969, 7, 20), row.Get<DateOnly>("ship_date"));
        Assert.Equal(created, row.Get<DateTimeOffset>("created_at"));
        Assert.Equal(created.UtcDateTime, row.Get<DateTime>("created_at"));
        Assert.True(row.IsNull("note"));
        Assert.Null(row.Get<string?>("note"));
    }

    [Fact]
    public async Task Unset_value_leaves_a_column_untouched_while_null_deletes_it()
    {
        await using var cql = await CqlServerWithSession.StartAsync();
        await cql.Session.ExecuteAsync(CreateOrders);
        var id = Guid.NewGuid();
        await cql.Session.ExecuteAsync("INSERT INTO orders (order_id, product, note) VALUES (?, ?, ?)", id, "lamp", "fragile");
        var update = await cql.Session.PrepareAsync("UPDATE orders SET product = ?, note = ? WHERE order_id = ?", Ct);

        await cql.Session.ExecuteAsync(update, CqlUnset.Value, null, id);

        var row = Assert.Single(cql.Server.Rows("cdc_test", "orders"));
        Assert.Equal("lamp", row["product"]);
        Assert.Null(row["note"]);
    }

    [Fact]
    public async Task Statement_forgotten_by_the_server_is_reprepared_transparently()
    {
        await using var cql = await CqlServerWithSession.StartAsync();
        await cql.Session.ExecuteAsync(CreateOrders);
        var insert = await cql.Session.PrepareAsync("INSERT INTO orders (order_id, product) VALUES (?, ?)", Ct);
        await cql.Session.ExecuteAsync(insert, Guid.NewGuid(), "first");
        var forgottenId = insert.Id;

        cql.Server.ForgetPreparedStatements(newIds: true);
        await cql.Session.ExecuteAsync(insert, Guid.NewGuid(), "second");
        Assert.NotEqual(forgottenId, insert.Id);
        var update = await cql.Session.PrepareAsync("UPDATE orders SET quantity = ? WHERE order_id = ?", Ct);
        cql.Server.ForgetPreparedStatements(newIds: true);
        var third = Guid.NewGuid();
        await cql.Session.BatchAsync(new CqlBatch().Add(insert, third, "third").Add(update, 3, third), Ct);

        Assert.Equal(["first", "second", "third"], cql.Server.Rows("cdc_test", "orders").Select(r => (string)r["product"]!).Order());
        Assert.Equal(3, cql.Server.Rows("cdc_test", "orders").Single(r => (string)r["product"]! == "third")["quantity"]);
    }

    [Fact]
    public async Task Unlogged_batch_applies_prepared_and_simple_statements_with_their_timestamps()
    {
        await using var cql = await CqlServerWithSession.StartAsync();
        await cql.Session.ExecuteAsync("CREATE TABLE orders_by_user (user_id uuid, created_at timestamp, order_id uuid, status text, PRIMARY KEY ((user_id), created_at, order_id)) WITH CLUSTERING ORDER BY (created_at DESC, order_id ASC)");
        var insert = await cql.Session.PrepareAsync("INSERT INTO orders_by_user (user_id, created_at, order_id, status) VALUES (?, ?, ?, ?) USING TIMESTAMP ?", Ct);
        var user = Guid.NewGuid();
        var early = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var late = early.AddDays(1);
        var (first, second, third) = (Guid.NewGuid(), Guid.Parse("00000000-0000-4000-8000-000000000001"), Guid.Parse("00000000-0000-4000-8000-000000000002"));
        var batch = new CqlBatch(CqlBatchType.Unlogged) { Timestamp = 5_000 }
            .Add(insert, user, early, first, "created", 1_000L)
            .Add(insert, user, late, second, "created", 1_000L)
            .Add("INSERT INTO orders_by_user (user_id, created_at, order_id, status) VALUES (?, ?, ?, 'paid')", user, late, third);

        await cql.Session.BatchAsync(batch, Ct);
        await cql.Session.BatchAsync(new CqlBatch(CqlBatchType.Logged).Add(insert, user, early, first, "stale", 999L), Ct);

        var rows = await (await cql.Session.QueryAsync("SELECT order_id, status FROM orders_by_user WHERE user_id = ?", user)).ToListAsync(Ct);
        Assert.Equal([second, third, first], rows.Select(r => r.Get<Guid>("order_id")));
        Assert.Equal(["created", "paid", "created"], rows.Select(r => r.Get<string>("status")));
    }

    [Fact]
    public async Task Paging_reads_every_row_in_clustering_order_across_pages()
    {
        await using var cql = await CqlServerWithSession.StartAsync();
        await cql.Session.ExecuteAsync("CREATE TABLE events (stream text, seq int, payload text, PRIMARY KEY (stream, seq)) WITH CLUSTERING ORDER BY (seq DESC)");
        var insert = await cql.Session.PrepareAsync("INSERT INTO events (stream, seq, payload) VALUES (?, ?, ?)", Ct);
        await Task.WhenAll(Enumerable.Range(0, 250).Select(i => cql.Session.ExecuteAsync(insert, "s1", i, $"p{i}")));

        var first = await cql.Session.QueryAsync(CqlStatement.Simple("SELECT seq FROM events WHERE stream = 's1'"), new CqlQueryOptions { PageSize = 40 }, Ct);
        var all = new List<int>();
        await foreach (var row in first.WithCancellation(Ct))
        {
            all.Add(row.Get<int>("seq"));
        }

        Assert.Equal(40, first.CurrentPage.Count);
        Assert.True(first.HasMorePages);
        Assert.Equal(Enumerable.Range(0, 250).Reverse(), all);
        var count = await cql.Session.QueryAsync("SELECT COUNT(*) FROM events WHERE stream = ?", "s1");
        Assert.Equal(250L, count.CurrentPage[0].Get<long>("count"));
        var limited = await cql.Session.QueryAsync("SELECT seq FROM events WHERE stream = 's1' LIMIT 3");
        Assert.Equal([249, 248, 247], limited.CurrentPage.Select(r => r.Get<int>(0)));
        Assert.Equal(1, cql.Server.AcceptedConnections);
    }

    [Fact]
    public async Task Unknown_table_surfaces_as_invalid_query_with_the_servers_message()
    {
        await using var cql = await CqlServerWithSession.StartAsync();

        var error = await Assert.ThrowsAsync<CqlInvalidQueryException>(() => cql.Session.ExecuteAsync("SELECT * FROM nope"));

        Assert.Equal(CqlErrorCode.Invalid, error.Code);
        Assert.Equal("unconfigured table nope", error.ServerMessage);
        Assert.Equal("Cassandra error 0x2200 (Invalid): unconfigured table nope", error.Message);
        var keyspace = await Assert.ThrowsAsync<CqlInvalidQueryException>(() => cql.Session.PrepareAsync("INSERT INTO missing_ks.t (a) VALUES (?)", Ct));
        Assert.Equal("Keyspace missing_ks does not exist", keyspace.ServerMessage);
    }

    [Fact]
    public async Task Syntax_error_surfaces_with_the_servers_message()
    {
        await using var cql = await CqlServerWithSession.StartAsync();

        var error = await Assert.ThrowsAsync<CqlSyntaxException>(() => cql.Session.ExecuteAsync("SELEC * FROM t"));

        Assert.Equal(CqlErrorCode.SyntaxError, error.Code);
        Assert.StartsWith("Cassandra error 0x2000 (SyntaxError): line 1:0 no viable alternative at input 'selec'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Creating_an_existing_table_reports_already_exists_with_keyspace_and_table()
    {
        await using var cql = await CqlServerWithSession.StartAsync();
        await cql.Session.ExecuteAsync(CreateOrders);

        var error = await Assert.ThrowsAsync<CqlAlreadyExistsException>(() => cql.Session.ExecuteAsync(CreateOrders.Replace(" IF NOT EXISTS", string.Empty, StringComparison.Ordinal)));

        Assert.Equal(("cdc_test", "orders"), (error.Keyspace, error.Table));
        Assert.Equal(CqlResultKind.Void, (await cql.Session.ExecuteAsync(CreateOrders)).Kind);
    }

    [Fact]
    public async Task Value_of_the_wrong_type_for_a_bind_variable_names_the_column()
    {
        await using var cql = await CqlServerWithSession.StartAsync();
        await cql.Session.ExecuteAsync(CreateOrders);
        var insert = await cql.Session.PrepareAsync("INSERT INTO orders (order_id, quantity) VALUES (?, ?)", Ct);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => cql.Session.ExecuteAsync(insert, Guid.NewGuid(), "three"));

        Assert.Contains("bind variable 'quantity' (int)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Many_concurrent_requests_share_one_connection()
    {
        await using var cql = await CqlServerWithSession.StartAsync();
        await cql.Session.ExecuteAsync(CreateOrders);
        var insert = await cql.Session.PrepareAsync("INSERT INTO orders (order_id, quantity) VALUES (?, ?)", Ct);

        await Task.WhenAll(Enumerable.Range(0, 500).Select(i => cql.Session.ExecuteAsync(insert, Guid.NewGuid(), i)));

        Assert.Equal(Enumerable.Range(0, 500), cql.Server.Rows("cdc_test", "orders").Select(r => (int)r["quantity"]!).Order());
        Assert.Equal(1, cql.Server.AcceptedConnections);
    }
}
