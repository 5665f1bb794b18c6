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
/// 6,000 events.
/// </summary>
public sealed class ConcurrentPartitionsTests(PostgresFixture postgres)
{
    private const int Rounds = 10;
    private const int UsersPerRound = 400;
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
}
