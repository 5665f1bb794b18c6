using Npgsql;

namespace CdcPipeline.Tests.Infrastructure.Postgres;

public sealed class PostgresFixtureTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Server_runs_with_logical_replication()
    {
        await using var connection = new NpgsqlConnection(postgres.AdminConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);

        Assert.Equal("logical", await ScalarAsync<string>(connection, "SHOW wal_level"));
        Assert.True(int.Parse(await ScalarAsync<string>(connection, "SHOW max_replication_slots"), System.Globalization.CultureInfo.InvariantCulture) >= 4);
    }

    [Fact]
    public async Task New_database_has_the_schema_the_publication_and_full_replica_identity()
    {
        await using var connection = new NpgsqlConnection(await postgres.CreateDatabaseAsync());
        await connection.OpenAsync(TestContext.Current.CancellationToken);

        Assert.Equal(
            "orders,users",
            await ScalarAsync<string>(connection,
                "SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_publication_tables WHERE pubname = 'cdc_pub'"));
        Assert.Equal(
            "orders:f,users:f",
            await ScalarAsync<string>(connection,
                "SELECT string_agg(relname || ':' || relreplident::text, ',' ORDER BY relname) FROM pg_class WHERE relname IN ('users', 'orders') AND relkind = 'r'"));
    }

    [Fact]
    public async Task Schema_scripts_can_be_applied_again()
    {
        var connectionString = await postgres.CreateDatabaseAsync();

        await SchemaScripts.ApplyAsync(connectionString, psqlPath: null);

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        Assert.Equal(1L, await ScalarAsync<long>(connection, "SELECT count(*) FROM pg_publication WHERE pubname = 'cdc_pub'"));
    }

    [Fact]
    public async Task Soft_deleting_a_user_cascades_to_its_orders()
    {
        await using var connection = new NpgsqlConnection(await postgres.CreateDatabaseAsync());
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await ScalarAsync<int>(connection, """
            INSERT INTO users (id, name, dob) VALUES ('6f1f0a52-4d7e-4a51-9b3f-0f7c1b2a3d01', 'Ada', '1990-01-02');
            INSERT INTO orders (id, status, user_id, quantity, total_amount)
            VALUES ('0b0e6a2c-1c55-4a43-8a4e-5d8f3c2b1a01', 'PLACED', '6f1f0a52-4d7e-4a51-9b3f-0f7c1b2a3d01', 2, 10.50);
            UPDATE users SET is_deleted = true, modified_at = '2024-03-01T10:00:00Z' WHERE id = '6f1f0a52-4d7e-4a51-9b3f-0f7c1b2a3d01';
            SELECT 1
            """);

        Assert.True(await ScalarAsync<bool>(connection, "SELECT is_deleted FROM orders WHERE id = '0b0e6a2c-1c55-4a43-8a4e-5d8f3c2b1a01'"));
        // The order's modified_at stays its own event time: the cascade sets only the flag.
        Assert.True(await ScalarAsync<bool>(connection, "SELECT modified_at IS NULL FROM orders WHERE id = '0b0e6a2c-1c55-4a43-8a4e-5d8f3c2b1a01'"));
    }

    [Fact]
    public async Task Schema_refuses_an_order_quantity_below_one()
    {
        await using var connection = new NpgsqlConnection(await postgres.CreateDatabaseAsync());
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await ScalarAsync<int>(connection, "INSERT INTO users (id, name, dob) VALUES ('6f1f0a52-4d7e-4a51-9b3f-0f7c1b2a3d03', 'Cy', '1992-01-02'); SELECT 1");

        var error = await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync<int>(connection, """
            INSERT INTO orders (id, status, user_id, quantity, total_amount)
            VALUES ('0b0e6a2c-1c55-4a43-8a4e-5d8f3c2b1a03', 'PLACED', '6f1f0a52-4d7e-4a51-9b3f-0f7c1b2a3d03', 0, 1); SELECT 1
            """));

        Assert.Equal("orders_quantity_positive", error.ConstraintName);
    }

    [Fact]
    public async Task Restarted_private_cluster_keeps_its_data()
    {
        await using var cluster = await PostgresFixture.StartPrivateClusterAsync();
        Assert.SkipWhen(cluster is null, "No local PostgreSQL binaries: a private cluster cannot be started.");
        var connectionString = await cluster.CreateDatabaseAsync();
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await ScalarAsync<int>(connection, "INSERT INTO users (id, name, dob) VALUES ('6f1f0a52-4d7e-4a51-9b3f-0f7c1b2a3d02', 'Bo', '1991-01-02'); SELECT 1");
        }

        await cluster.RestartAsync();

        await using var reconnected = new NpgsqlConnection(connectionString + ";Pooling=false");
        await reconnected.OpenAsync(TestContext.Current.CancellationToken);
        Assert.Equal("Bo", await ScalarAsync<string>(reconnected, "SELECT name FROM users"));
    }

    [Fact]
    public async Task Restart_waits_for_its_port_while_another_process_holds_it()
    {
        await using var cluster = await PostgresFixture.StartPrivateClusterAsync();
        Assert.SkipWhen(cluster is null, "No local PostgreSQL binaries: a private cluster cannot be started.");
        var connectionString = await cluster.CreateDatabaseAsync();
        var port = new NpgsqlConnectionStringBuilder(connectionString).Port;
        await cluster.StopAsync();

        var squatter = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
        squatter.Start();
        var restart = cluster.StartAsync();
        await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        squatter.Stop();
        await restart.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        await using var reconnected = new NpgsqlConnection(connectionString + ";Pooling=false");
        await reconnected.OpenAsync(TestContext.Current.CancellationToken);
        Assert.Equal(1, await ScalarAsync<int>(reconnected, "SELECT 1"));
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }
}
