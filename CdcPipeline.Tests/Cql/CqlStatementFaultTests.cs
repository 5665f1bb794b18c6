using CdcPipeline.AppHost.Local.Cassandra;
using CdcPipeline.ServiceDefaults.Cassandra;
using CqlServerException = CdcPipeline.ServiceDefaults.Cassandra.CqlServerException;

namespace CdcPipeline.Tests.Cql;

/// <summary>The in-memory CQL server answering as an overloaded or slow node does, when a test asks it to.</summary>
public class CqlStatementFaultTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Overloaded_refuses_the_write_with_Cassandras_error_and_applies_nothing()
    {
        await using var cql = await StartWithTableAsync();
        cql.Server.FailNextStatements(CqlStatementFault.Overloaded);

        var error = await Assert.ThrowsAsync<CqlServerException>(() => cql.Session.ExecuteAsync("INSERT INTO t (id, v) VALUES (1, 'refused')"));

        Assert.Equal(CqlErrorCode.Overloaded, error.Code);
        Assert.Equal("Server is in overloaded state. Cannot accept more requests at this point", error.ServerMessage);
        Assert.Empty(cql.Server.Rows("cdc_test", "t"));
        await cql.Session.ExecuteAsync("INSERT INTO t (id, v) VALUES (2, 'next')");
        Assert.Equal(["next"], cql.Server.Rows("cdc_test", "t").Select(r => (string)r["v"]!));
    }

    [Fact]
    public async Task A_timed_out_write_is_applied_and_answered_with_a_write_timeout_of_the_requested_consistency()
    {
        await using var cql = await StartWithTableAsync();
        var insert = await cql.Session.PrepareAsync("INSERT INTO t (id, v) VALUES (?, ?)", Ct);
        cql.Server.FailNextStatements(CqlStatementFault.Timeout);

        var error = await Assert.ThrowsAsync<CqlServerTimeoutException>(() => cql.Session.ExecuteAsync(
            insert, new CqlQueryOptions { Consistency = CqlConsistency.LocalQuorum }, 1, "applied anyway"));

        Assert.Equal(CqlErrorCode.WriteTimeout, error.Code);
        Assert.Equal(("SIMPLE", CqlConsistency.LocalQuorum, 0, 1), (error.WriteType, error.Consistency, error.Received, error.BlockFor));
        Assert.Equal("Operation timed out - received only 0 responses.", error.ServerMessage);
        Assert.Equal(["applied anyway"], cql.Server.Rows("cdc_test", "t").Select(r => (string)r["v"]!));
    }

    [Fact]
    public async Task A_timed_out_batch_names_its_write_type_and_a_timed_out_read_is_a_read_timeout()
    {
        await using var cql = await StartWithTableAsync();
        var insert = await cql.Session.PrepareAsync("INSERT INTO t (id, v) VALUES (?, ?)", Ct);
        cql.Server.FailNextStatements(CqlStatementFault.Timeout, count: 2);

        var batch = await Assert.ThrowsAsync<CqlServerTimeoutException>(() =>
            cql.Session.BatchAsync(new CqlBatch(CqlBatchType.Unlogged).Add(insert, 1, "a").Add(insert, 2, "b"), Ct));
        var read = await Assert.ThrowsAsync<CqlServerTimeoutException>(() => cql.Session.QueryAsync("SELECT * FROM t WHERE id = 1"));

        Assert.Equal((CqlErrorCode.WriteTimeout, "UNLOGGED_BATCH"), (batch.Code, batch.WriteType));
        Assert.Equal((CqlErrorCode.ReadTimeout, false), (read.Code, read.DataPresent));
        Assert.Equal(2, cql.Server.Rows("cdc_test", "t").Count);
        Assert.Single((await cql.Session.QueryAsync("SELECT * FROM t WHERE id = 1")).CurrentPage);
    }

    [Fact]
    public async Task System_tables_and_schema_statements_are_not_faulted_and_do_not_use_up_the_count()
    {
        await using var cql = await StartWithTableAsync();
        cql.Server.FailNextStatements(CqlStatementFault.Overloaded);

        Assert.Single((await cql.Session.QueryAsync("SELECT * FROM system.local")).CurrentPage);
        await cql.Session.ExecuteAsync("CREATE TABLE IF NOT EXISTS u (id int PRIMARY KEY)");
        var error = await Assert.ThrowsAsync<CqlServerException>(() => cql.Session.ExecuteAsync("INSERT INTO t (id, v) VALUES (1, 'x')"));

        Assert.Equal(CqlErrorCode.Overloaded, error.Code);
    }

    [Fact]
    public async Task A_count_of_zero_ends_the_fault()
    {
        await using var cql = await StartWithTableAsync();
        cql.Server.FailNextStatements(CqlStatementFault.Overloaded, count: 100);

        cql.Server.FailNextStatements(CqlStatementFault.Overloaded, count: 0);

        await cql.Session.ExecuteAsync("INSERT INTO t (id, v) VALUES (1, 'x')");
        Assert.Single(cql.Server.Rows("cdc_test", "t"));
    }

    private static async Task<CqlServerWithSession> StartWithTableAsync()
    {
        var cql = await CqlServerWithSession.StartAsync();
        await cql.Session.ExecuteAsync("CREATE TABLE t (id int PRIMARY KEY, v text)");
        return cql;
    }
}
