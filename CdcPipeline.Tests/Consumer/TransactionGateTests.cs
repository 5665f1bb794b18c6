using CdcPipeline.Consumer.Decoding;
using CdcPipeline.Consumer.Options;
using CdcPipeline.Consumer.Persistence;
using CdcPipeline.Events;
using CdcPipeline.Tests.Infrastructure.Postgres;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CdcPipeline.Tests.Consumer;

/// <summary>
/// <c>Consumer:MaxConcurrentTransactions</c> bounds the transactions open at once across partitions: a batch whose
/// turn has not come opens none, and is written once a slot is free.
/// </summary>
public sealed class TransactionGateTests(PostgresFixture postgres)
{
    private const string ApplicationName = "transaction-gate-test";
    private static readonly DateTimeOffset T0 = new(2024, 3, 1, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task With_one_transaction_at_a_time_a_second_partitions_batch_waits_for_the_first_to_commit()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var tables = new CdcTables(await postgres.CreateDatabaseAsync());
        var consumerDatabase = new NpgsqlConnectionStringBuilder(tables.ConnectionString) { ApplicationName = ApplicationName };
        await using var dataSource = NpgsqlDataSource.Create(consumerDatabase.ConnectionString);
        using var gate = new TransactionGate(Options.Create(new ConsumerOptions { MaxConcurrentTransactions = 1 }));
        var applier = new ChangeApplier(dataSource, gate);
        var writer = new UserChangeWriter();
        var (held, free) = (Guid.NewGuid(), Guid.NewGuid());
        await applier.ApplyAsync(writer, [Create(held), Create(free)], ChangeApplier.NoAwaitingKeys, cancellationToken);

        await using var other = new NpgsqlConnection(tables.ConnectionString);
        await other.OpenAsync(cancellationToken);
        await using var lockHolder = await other.BeginTransactionAsync(cancellationToken);
        await using (var lockRow = new NpgsqlCommand("SELECT id FROM users WHERE id = $1 FOR UPDATE", other, lockHolder))
        {
            lockRow.Parameters.Add(new NpgsqlParameter { Value = held });
            await lockRow.ExecuteScalarAsync(cancellationToken);
        }

        var first = Task.Run(() => applier.ApplyAsync(writer, [Rename(held, "first")], ChangeApplier.NoAwaitingKeys, cancellationToken), cancellationToken);
        await tables.WaitUntilAsync(
            async () => await ConsumerTransactionsAsync(tables, "wait_event_type = 'Lock'") == 1,
            "the first batch's transaction to wait for the row lock");
        var second = Task.Run(() => applier.ApplyAsync(writer, [Rename(free, "second")], ChangeApplier.NoAwaitingKeys, cancellationToken), cancellationToken);
        await tables.WaitUntilAsync(() => Task.FromResult(gate.Waiting == 1), "the second batch to wait for a transaction slot");

        Assert.Equal(1, await ConsumerTransactionsAsync(tables, "true"));
        Assert.Equal("Ada", await tables.ScalarAsync<string>("SELECT name FROM users WHERE id = $1", free));
        Assert.Equal(1, gate.Waiting);
        Assert.False(second.IsCompleted);

        await lockHolder.CommitAsync(cancellationToken);
        Assert.All(await Task.WhenAll(first, second), outcomes => Assert.IsType<ChangeOutcome.Applied>(Assert.Single(outcomes)));
        Assert.Equal("first", await tables.ScalarAsync<string>("SELECT name FROM users WHERE id = $1", held));
        Assert.Equal("second", await tables.ScalarAsync<string>("SELECT name FROM users WHERE id = $1", free));
        Assert.Equal(0, gate.Waiting);
    }

    /// <summary>The Consumer's backends in an open transaction that also match <paramref name="condition"/>.</summary>
    private static Task<long> ConsumerTransactionsAsync(CdcTables tables, string condition) => tables.ScalarAsync<long>(
        $"SELECT count(*) FROM pg_stat_activity WHERE application_name = $1 AND xact_start IS NOT NULL AND {condition}", ApplicationName);

    private static UserChange Create(Guid user) => new(EventType.Create, user, "Ada", new DateOnly(1990, 1, 1), T0);

    private static UserChange Rename(Guid user, string name) => new(EventType.Update, user, name, null, T0.AddMinutes(1));
}
