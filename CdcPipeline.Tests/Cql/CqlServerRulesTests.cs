using CdcPipeline.ServiceDefaults.Cassandra;

namespace CdcPipeline.Tests.Cql;

/// <summary>The test server applies Cassandra's reconcile rules: last write wins per cell by timestamp, tombstones shadow older writes.</summary>
public class CqlServerRulesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Older_write_does_not_overwrite_a_newer_one()
    {
        await using var cql = await UsersTableAsync();
        var upsert = await cql.Session.PrepareAsync("INSERT INTO users (id, name) VALUES (?, ?) USING TIMESTAMP ?", Ct);
        var id = Guid.NewGuid();

        await cql.Session.ExecuteAsync(upsert, id, "new", 200L);
        await cql.Session.ExecuteAsync(upsert, id, "old", 100L);

        Assert.Equal("new", await NameAsync(cql, id));
    }

    [Fact]
    public async Task Delete_shadows_older_writes_and_a_later_insert_with_a_lower_timestamp_does_not_resurrect()
    {
        await using var cql = await UsersTableAsync();
        var id = Guid.NewGuid();
        await cql.Session.ExecuteAsync("INSERT INTO users (id, name) VALUES (?, ?) USING TIMESTAMP 100", id, "alice");
        await cql.Session.ExecuteAsync("DELETE FROM users USING TIMESTAMP 300 WHERE id = ?", id);

        await cql.Session.ExecuteAsync("INSERT INTO users (id, name) VALUES (?, ?) USING TIMESTAMP 250", id, "replayed");

        Assert.Empty(cql.Server.Rows("cdc_test", "users"));
        await cql.Session.ExecuteAsync("INSERT INTO users (id, name) VALUES (?, ?) USING TIMESTAMP 301", id, "recreated");
        Assert.Equal("recreated", await NameAsync(cql, id));
    }

    [Fact]
    public async Task Writetime_reports_the_timestamp_of_the_winning_cell()
    {
        await using var cql = await UsersTableAsync();
        var id = Guid.NewGuid();
        await cql.Session.ExecuteAsync("INSERT INTO users (id, name) VALUES (?, 'new') USING TIMESTAMP 1700000000000002", id);
        await cql.Session.ExecuteAsync("INSERT INTO users (id, name) VALUES (?, 'old') USING TIMESTAMP 1700000000000001", id);

        var row = Assert.Single((await cql.Session.QueryAsync("SELECT name, WRITETIME(name) AS written FROM users WHERE id = ?", id)).CurrentPage);

        Assert.Equal(("new", 1700000000000002L), (row.Get<string>("name"), row.Get<long>("written")));
    }

    [Fact]
    public async Task Order_by_the_first_clustering_column_can_reverse_the_clustering_order()
    {
        await using var cql = await CqlServerWithSession.StartAsync();
        await cql.Session.ExecuteAsync("CREATE TABLE t (pk int, ck int, PRIMARY KEY ((pk), ck)) WITH CLUSTERING ORDER BY (ck DESC) AND comment = 'x'");
        foreach (var ck in new[] { 2, 3, 1 })
        {
            await cql.Session.ExecuteAsync("INSERT INTO t (pk, ck) VALUES (1, ?)", ck);
        }

        var natural = await cql.Session.QueryAsync("SELECT ck FROM t WHERE pk = 1");
        var reversed = await cql.Session.QueryAsync("SELECT ck FROM t WHERE pk = 1 ORDER BY ck ASC");

        Assert.Equal([3, 2, 1], natural.CurrentPage.Select(r => r.Get<int>("ck")));
        Assert.Equal([1, 2, 3], reversed.CurrentPage.Select(r => r.Get<int>("ck")));
    }

    [Fact]
    public async Task Write_without_a_timestamp_gets_the_server_time_in_microseconds()
    {
        await using var cql = await UsersTableAsync();
        var id = Guid.NewGuid();
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;

        await cql.Session.ExecuteAsync("INSERT INTO users (id, name) VALUES (?, 'now')", id);

        var after = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 1) * 1000;
        var written = (await cql.Session.QueryAsync("SELECT WRITETIME(name) FROM users WHERE id = ?", id)).CurrentPage[0].Get<long>("writetime(name)");
        Assert.InRange(written, before, after);
    }

    [Fact]
    public async Task Composite_partition_key_addresses_one_partition()
    {
        await using var cql = await CqlServerWithSession.StartAsync();
        await cql.Session.ExecuteAsync("CREATE TABLE IF NOT EXISTS cdc_test.readings (sensor text, day date, at timestamp, value double, PRIMARY KEY ((sensor, day), at))");
        var insert = await cql.Session.PrepareAsync("INSERT INTO cdc_test.readings (sensor, day, at, value) VALUES (?, ?, ?, ?)", Ct);
        var day = new DateOnly(2024, 3, 1);
        await cql.Session.ExecuteAsync(insert, "s1", day, DateTimeOffset.UnixEpoch.AddDays(1), 1.5);
        await cql.Session.ExecuteAsync(insert, "s1", day.AddDays(1), DateTimeOffset.UnixEpoch.AddDays(2), 2.5);
        await cql.Session.ExecuteAsync(insert, "s2", day, DateTimeOffset.UnixEpoch.AddDays(3), 3.5);

        var rows = await cql.Session.QueryAsync("SELECT value FROM readings WHERE sensor = ? AND day = ?", "s1", day);
        var partial = await Assert.ThrowsAsync<CqlInvalidQueryException>(() => cql.Session.QueryAsync("SELECT value FROM readings WHERE sensor = 's1'"));

        Assert.Equal([1.5], rows.CurrentPage.Select(r => r.Get<double>("value")));
        Assert.Equal([0, 1], insert.PartitionKeyIndexes);
        Assert.StartsWith("Cannot execute this query as it might involve data filtering", partial.ServerMessage, StringComparison.Ordinal);
        Assert.Equal(3, cql.Server.Rows("cdc_test", "readings").Count);
    }

    [Fact]
    public async Task Batch_over_50_kib_to_one_partition_key_across_two_tables_is_one_mutation_and_is_accepted()
    {
        await using var cql = await CqlServerWithSession.StartAsync();
        await cql.Session.ExecuteAsync("CREATE TABLE profiles (user_id int, id int, body text, PRIMARY KEY (user_id, id))");
        await cql.Session.ExecuteAsync("CREATE TABLE notes (user_id int, id int, body text, PRIMARY KEY (user_id, id))");
        var profile = await cql.Session.PrepareAsync("INSERT INTO profiles (user_id, id, body) VALUES (?, ?, ?)", Ct);
        var note = await cql.Session.PrepareAsync("INSERT INTO notes (user_id, id, body) VALUES (?, ?, ?)", Ct);
        var body = new string('x', 2048);
        var batch = new CqlBatch();
        for (var i = 0; i < 15; i++)
        {
            batch.Add(profile, 7, i, body);
            batch.Add(note, 7, i, body);
        }

        await cql.Session.BatchAsync(batch, Ct);

        Assert.Equal(15, cql.Server.Rows("cdc_test", "profiles").Count);
        Assert.Equal(15, cql.Server.Rows("cdc_test", "notes").Count);
    }

    [Fact]
    public async Task Next_page_resumes_after_the_last_returned_key_when_earlier_rows_were_deleted()
    {
        await using var cql = await CqlServerWithSession.StartAsync();
        await cql.Session.ExecuteAsync("CREATE TABLE events (stream int, seq int, v text, PRIMARY KEY (stream, seq))");
        for (var seq = 1; seq <= 6; seq++)
        {
            await cql.Session.ExecuteAsync("INSERT INTO events (stream, seq, v) VALUES (1, ?, 'e')", seq);
        }

        var first = await cql.Session.QueryAsync(CqlStatement.Simple("SELECT seq FROM events WHERE stream = 1"), new CqlQueryOptions { PageSize = 2 }, Ct);
        await cql.Session.ExecuteAsync("DELETE FROM events WHERE stream = 1 AND seq = 1");
        var second = await first.FetchNextPageAsync(Ct);

        Assert.Equal([1, 2], first.CurrentPage.Select(r => r.Get<int>(0)));
        Assert.Equal([3, 4], second!.CurrentPage.Select(r => r.Get<int>(0)));
        Assert.Equal([3, 4, 5, 6], (await second.ToListAsync(Ct)).Select(r => r.Get<int>(0)));
    }

    [Fact]
    public async Task Malformed_paging_state_is_a_protocol_error()
    {
        await using var cql = await CqlServerWithSession.StartAsync();
        await cql.Session.ExecuteAsync("CREATE TABLE events (stream int, seq int, PRIMARY KEY (stream, seq))");

        var error = await Assert.ThrowsAsync<CqlProtocolErrorException>(() => cql.Session.QueryAsync(
            CqlStatement.Simple("SELECT * FROM events"), new CqlQueryOptions { PageSize = 2, PagingState = [0, 0, 0, 9] }, Ct));

        Assert.StartsWith("Invalid value for the paging state", error.ServerMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unexpected_server_failure_is_answered_with_server_error()
    {
        await using var cql = await CqlServerWithSession.StartAsync();
        cql.Server.CrashOnNextRequest();

        var error = await Assert.ThrowsAsync<CqlServerException>(() => cql.Session.ExecuteAsync(
            CqlStatement.Simple("SELECT * FROM system.local"), new CqlQueryOptions { Timeout = TimeSpan.FromSeconds(10) }, Ct));

        Assert.Equal(CqlErrorCode.ServerError, error.Code);
        Assert.Equal("InvalidOperationException: injected failure inside the in-memory CQL server", error.ServerMessage);
    }

    [Fact]
    public async Task Multi_partition_batch_over_50_kib_is_rejected_as_cassandra_does_but_a_single_partition_one_is_not()
    {
        await using var cql = await CqlServerWithSession.StartAsync();
        await cql.Session.ExecuteAsync("CREATE TABLE docs (owner int, id int, body text, PRIMARY KEY (owner, id))");
        var insert = await cql.Session.PrepareAsync("INSERT INTO docs (owner, id, body) VALUES (?, ?, ?)", Ct);
        var body = new string('x', 2048);
        var spread = new CqlBatch();
        var together = new CqlBatch();
        for (var i = 0; i < 30; i++)
        {
            spread.Add(insert, i, i, body);
            together.Add(insert, 1000, i, body);
        }

        var error = await Assert.ThrowsAsync<CqlInvalidQueryException>(() => cql.Session.BatchAsync(spread, Ct));
        await cql.Session.BatchAsync(together, Ct);

        Assert.Equal("Batch too large", error.ServerMessage);
        Assert.Equal(30, cql.Server.Rows("cdc_test", "docs").Count);
    }

    [Fact]
    public async Task Delete_older_than_the_write_leaves_the_row()
    {
        await using var cql = await UsersTableAsync();
        var id = Guid.NewGuid();
        await cql.Session.ExecuteAsync("INSERT INTO users (id, name) VALUES (?, ?) USING TIMESTAMP 200", id, "alice");

        await cql.Session.ExecuteAsync("DELETE FROM users USING TIMESTAMP 150 WHERE id = ?", id);

        Assert.Equal("alice", await NameAsync(cql, id));
    }

    [Fact]
    public async Task On_equal_timestamps_a_delete_wins_and_between_writes_the_larger_value_wins()
    {
        await using var cql = await UsersTableAsync();
        var (a, b) = (Guid.NewGuid(), Guid.NewGuid());
        await cql.Session.ExecuteAsync("INSERT INTO users (id, name) VALUES (?, 'bob') USING TIMESTAMP 400", a);
        await cql.Session.ExecuteAsync("INSERT INTO users (id, name) VALUES (?, 'alice') USING TIMESTAMP 400", a);
        await cql.Session.ExecuteAsync("INSERT INTO users (id, name) VALUES (?, 'carol') USING TIMESTAMP 500", b);
        await cql.Session.ExecuteAsync("DELETE FROM users USING TIMESTAMP 500 WHERE id = ?", b);
        await cql.Session.ExecuteAsync("INSERT INTO users (id, name) VALUES (?, 'carol') USING TIMESTAMP 500", b);

        Assert.Equal("bob", await NameAsync(cql, a));
        Assert.Empty((await cql.Session.QueryAsync("SELECT * FROM users WHERE id = ?", b)).CurrentPage);
    }

    [Fact]
    public async Task Default_timestamp_of_the_request_orders_writes()
    {
        await using var cql = await UsersTableAsync();
        var upsert = await cql.Session.PrepareAsync("UPDATE users SET name = ? WHERE id = ?", Ct);
        var id = Guid.NewGuid();

        await cql.Session.ExecuteAsync(upsert, new CqlQueryOptions { Timestamp = 2_000 }, "second", id);
        await cql.Session.ExecuteAsync(upsert, new CqlQueryOptions { Timestamp = 1_000 }, "first", id);

        Assert.Equal("second", await NameAsync(cql, id));
    }

    [Fact]
    public async Task Row_written_only_by_update_disappears_when_its_cells_are_deleted()
    {
        await using var cql = await UsersTableAsync();
        var id = Guid.NewGuid();
        await cql.Session.ExecuteAsync("UPDATE users SET name = 'x' WHERE id = ?", id);

        await cql.Session.ExecuteAsync("DELETE name FROM users WHERE id = ?", id);

        Assert.Empty(cql.Server.Rows("cdc_test", "users"));
    }

    [Fact]
    public async Task Partition_delete_removes_every_clustered_row()
    {
        await using var cql = await CqlServerWithSession.StartAsync();
        await cql.Session.ExecuteAsync("CREATE TABLE t (pk int, ck int, v text, PRIMARY KEY (pk, ck))");
        for (var i = 0; i < 3; i++)
        {
            await cql.Session.ExecuteAsync("INSERT INTO t (pk, ck, v) VALUES (1, ?, 'a')", i);
        }

        await cql.Session.ExecuteAsync("INSERT INTO t (pk, ck, v) VALUES (2, 0, 'b')");
        await cql.Session.ExecuteAsync("DELETE FROM t WHERE pk = 1");

        Assert.Equal([2], cql.Server.Rows("cdc_test", "t").Select(r => (int)r["pk"]!));
    }

    [Fact]
    public async Task Missing_key_parts_and_filtering_get_cassandras_errors()
    {
        await using var cql = await UsersTableAsync();

        var missing = await Assert.ThrowsAsync<CqlInvalidQueryException>(() => cql.Session.ExecuteAsync("INSERT INTO users (name) VALUES ('x')"));
        var filtering = await Assert.ThrowsAsync<CqlInvalidQueryException>(() => cql.Session.ExecuteAsync("SELECT * FROM users WHERE name = 'x'"));
        var column = await Assert.ThrowsAsync<CqlInvalidQueryException>(() => cql.Session.ExecuteAsync("SELECT nope FROM users"));

        Assert.Equal("Some partition key parts are missing: id", missing.ServerMessage);
        Assert.StartsWith("Cannot execute this query as it might involve data filtering", filtering.ServerMessage, StringComparison.Ordinal);
        Assert.Equal("Undefined column name nope in table cdc_test.users", column.ServerMessage);
        Assert.Empty((await cql.Session.QueryAsync("SELECT * FROM users WHERE name = 'x' ALLOW FILTERING")).CurrentPage);
    }

    private static async Task<CqlServerWithSession> UsersTableAsync()
    {
        var cql = await CqlServerWithSession.StartAsync();
        await cql.Session.ExecuteAsync("CREATE TABLE users (id uuid PRIMARY KEY, name text)");
        return cql;
    }

    private static async Task<string?> NameAsync(CqlServerWithSession cql, Guid id)
    {
        var rows = await cql.Session.QueryAsync("SELECT name FROM users WHERE id = ?", id);
        return Assert.Single(rows.CurrentPage).Get<string>("name");
    }
}
