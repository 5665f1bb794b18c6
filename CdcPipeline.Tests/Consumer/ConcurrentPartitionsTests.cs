using CdcPipeline.Consumer.Decoding;
using CdcPipeline.Consumer.Options;
using CdcPipeline.Consumer.Persistence;
using CdcPipeline.Events;
using CdcPipeline.Tests.Infrastructure.Postgres;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CdcPipeline.Tests.Consumer;

/// <summary>
/// The workers of a users partition and an orders partition write at the same time. Found by the benchmark: a user's
/// soft delete cascades to its orders while the orders partition updates those orders, each locking rows in its own
/// order, and PostgreSQL aborted one of them as a deadlock (after its 1 s deadlock timeout) about once per
/// 6,000 events. And <c>Consumer:MaxConcurrentTransactions</c> bounds the transactions open at once across
/// partitions: a batch whose turn has not come opens none, and is written once a slot is free.
/// </summary>
public sealed class ConcurrentPartitionsTests(PostgresFixture postgres)
{
    private const int Rounds = 10;
    private const int UsersPerRound = 400;
    private const string ApplicationName = "transaction-gate-test";
    private static readonly DateTimeOffset T0 = new(2024, 3, 1, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_users_delete_and_its_orders_updates_written_at_once_do_not_deadlock_and_both_apply()
    {
        var tables = new CdcTables(await postgres.CreateDatabaseAsync());
        await using var dataSource = NpgsqlDataSource.Create(tables.ConnectionString);
        using var gate = new TransactionGate(Options.Create(new ConsumerOptions { MaxConcurrentTransactions = 2 }));
        var applier = new ChangeApplier(dataSource, gate);
        var (userWriter, orderWriter) = (new UserChangeWriter(), new OrderChangeWriter());
        var deadlocks = new List<string>();
        var random = new Random(20261203);

        for (var round = 0; round < Rounds; round++)
        {
            var users = Enumerable.Range(0, UsersPerRound).Select(_ => Guid.NewGuid()).ToArray();
            var orders = users.SelectMany(user => new[] { (User: user, Order: Guid.NewGuid()), (User: user, Order: Guid.NewGuid()) }).ToArray();
            await ApplyAsync(applier, userWriter, users.Select(user => new UserChange(EventType.Create, user, "Ada", new DateOnly(1990, 1, 1), T0)));
            await ApplyAsync(applier, orderWriter, orders.Select(o => new OrderChange(EventType.Create, o.Order, "PLACED", o.User, 1, 10m, T0.AddMinutes(1))));

            var deletes = Shuffled(random, users).Select(user => (EntityChange)new UserChange(EventType.Delete, user, null, null, T0.AddMinutes(3))).ToArray();
            var updates = Shuffled(random, orders).Select(o => (EntityChange)new OrderChange(EventType.Update, o.Order, "SHIPPED", null, null, null, T0.AddMinutes(2))).ToArray();
            var written = await Task.WhenAll(
                Task.Run(() => TryApplyAsync(applier, userWriter, deletes)),
                Task.Run(() => TryApplyAsync(applier, orderWriter, updates)));
            deadlocks.AddRange(written.OfType<string>());
        }

        Assert.Empty(deadlocks);
        Assert.Equal(Rounds * UsersPerRound, await tables.ScalarAsync<long>("SELECT count(*) FROM users WHERE is_deleted"));
        Assert.Equal(Rounds * UsersPerRound * 2, await tables.ScalarAsync<long>("SELECT count(*) FROM orders WHERE is_deleted AND status = 'SHIPPED'"));
    }

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

    private static T[] Shuffled<T>(Random random, IEnumerable<T> items)
    {
        var shuffled = items.ToArray();
        random.Shuffle(shuffled);
        return shuffled;
    }

    private static async Task ApplyAsync(ChangeApplier applier, IChangeWriter writer, IEnumerable<EntityChange> changes)
    {
        var outcomes = await applier.ApplyAsync(writer, changes.ToArray(), ChangeApplier.NoAwaitingKeys, TestContext.Current.CancellationToken);
        Assert.All(outcomes, outcome => Assert.IsType<ChangeOutcome.Applied>(outcome));
    }

    /// <summary>Null when every change applied; the deadlock's message when PostgreSQL aborted the transaction.</summary>
    private static async Task<string?> TryApplyAsync(ChangeApplier applier, IChangeWriter writer, IReadOnlyList<EntityChange> changes)
    {
        try
        {
            await ApplyAsync(applier, writer, changes);
            return null;
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.DeadlockDetected)
        {
            return $"{writer.GetType().Name}: {exception.MessageText}";
        }
    }

    /// <summary>The Consumer's backends in an open transaction that also match <paramref name="condition"/>.</summary>
    private static Task<long> ConsumerTransactionsAsync(CdcTables tables, string condition) => tables.ScalarAsync<long>(
        $"SELECT count(*) FROM pg_stat_activity WHERE application_name = $1 AND xact_start IS NOT NULL AND {condition}", ApplicationName);

    private static UserChange Create(Guid user) => new(EventType.Create, user, "Ada", new DateOnly(1990, 1, 1), T0);

    private static UserChange Rename(Guid user, string name) => new(EventType.Update, user, name, null, T0.AddMinutes(1));
}
