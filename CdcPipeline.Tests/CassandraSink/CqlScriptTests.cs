using CdcPipeline.CassandraSink.Schema;

namespace CdcPipeline.Tests.CassandraSink;

public class CqlScriptTests
{
    [Fact]
    public void Script_splits_at_semicolons_outside_quotes_and_drops_comments()
    {
        var statements = CqlScript.Split("""
            -- a comment; with a semicolon
            CREATE KEYSPACE IF NOT EXISTS k WITH replication = {'class': 'SimpleStrategy;', 'replication_factor': 1};
            // another
            CREATE TABLE IF NOT EXISTS k.t (id uuid PRIMARY KEY);
            """);

        Assert.Equal(
            [
                "CREATE KEYSPACE IF NOT EXISTS k WITH replication = {'class': 'SimpleStrategy;', 'replication_factor': 1}",
                "CREATE TABLE IF NOT EXISTS k.t (id uuid PRIMARY KEY)",
            ],
            statements);
    }

    [Fact]
    public void Schema_files_create_the_keyspace_and_three_tables()
    {
        var statements = CqlScript.Load(Path.Combine(AppContext.BaseDirectory, "sql", "cassandra"), "cdc_keyspace");

        Assert.Equal(4, statements.Count);
        Assert.StartsWith("CREATE KEYSPACE IF NOT EXISTS cdc_keyspace", statements[0], StringComparison.Ordinal);
        Assert.Contains(statements, s => s.Contains("cdc_keyspace.orders_by_user", StringComparison.Ordinal)
            && s.Contains("WITH CLUSTERING ORDER BY (placed_at DESC, order_id ASC)", StringComparison.Ordinal));
    }

    [Fact]
    public void Configured_keyspace_replaces_the_files_keyspace()
    {
        var statements = CqlScript.Load(Path.Combine(AppContext.BaseDirectory, "sql", "cassandra"), "sink_test_1");

        Assert.All(statements, s => Assert.DoesNotContain("cdc_keyspace", s, StringComparison.Ordinal));
        Assert.Contains(statements, s => s.Contains("sink_test_1.users", StringComparison.Ordinal));
    }
}
