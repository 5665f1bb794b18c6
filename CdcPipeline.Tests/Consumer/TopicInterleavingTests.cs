using CdcPipeline.Tests.Infrastructure.Kafka;
using CdcPipeline.Tests.Infrastructure.Postgres;
using Npgsql;

namespace CdcPipeline.Tests.Consumer;

/// <summary>The users and orders topics are applied in whatever interleaving: the final rows do not depend on it.</summary>
public sealed class TopicInterleavingTests(KafkaFixture kafka, PostgresFixture postgres) : IClassFixture<KafkaFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Orders_applied_after_their_users_delete_keep_their_own_status_and_are_deleted()
    {
        var setup = await ConsumerTestSetup.CreateAsync(kafka, await postgres.CreateDatabaseAsync());
        var tables = new CdcTables(setup.DatabaseConnectionString);
        var t0 = new DateTimeOffset(2024, 3, 1, 10, 0, 0, TimeSpan.Zero);
        var (ada, grace) = (Guid.NewGuid(), Guid.NewGuid());
        var (early, late, cancelled, kept) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());

        // The orders that exist before the user's delete is applied: the cascade marks them deleted.
        await setup.ProduceUserAsync(ada.ToString(), GoJson.UserCreate(ada, "Ada", new DateOnly(1990, 1, 1), t0));
        await setup.ProduceUserAsync(grace.ToString(), GoJson.UserCreate(grace, "Grace", new DateOnly(1991, 1, 1), t0.AddMinutes(1)));
        await setup.ProduceOrderAsync(early.ToString(), GoJson.OrderCreate(early, ada, 1, 10, t0.AddMinutes(2)));
        await ConsumerDeliveryTests.RunUntilIdleAsync(setup);

        // The users topic runs ahead: Ada is deleted (at t0+10m) before her orders' later events are applied.
        await setup.ProduceUserAsync(ada.ToString(), GoJson.UserDelete(ada, t0.AddMinutes(10)));
        await ConsumerDeliveryTests.RunUntilIdleAsync(setup);

        await setup.ProduceOrderAsync(early.ToString(), GoJson.OrderUpdate(early, t0.AddMinutes(5)));
        await setup.ProduceOrderAsync(late.ToString(), GoJson.OrderCreate(late, ada, 2, 20, t0.AddMinutes(3)));
        await setup.ProduceOrderAsync(late.ToString(), GoJson.OrderUpdate(late, t0.AddMinutes(4)));
        await setup.ProduceOrderAsync(cancelled.ToString(), GoJson.OrderCreate(cancelled, ada, 3, 30, t0.AddMinutes(3)));
        await setup.ProduceOrderAsync(cancelled.ToString(), GoJson.OrderDelete(cancelled, t0.AddMinutes(6)));
        await setup.ProduceOrderAsync(kept.ToString(), GoJson.OrderCreate(kept, grace, 4, 40, t0.AddMinutes(4)));
        await setup.ProduceOrderAsync(kept.ToString(), GoJson.OrderUpdate(kept, t0.AddMinutes(7)));
        await ConsumerDeliveryTests.RunUntilIdleAsync(setup);

        string Row(Guid id, string status, DateTimeOffset? modified, bool deleted) =>
            $"{id} | {status} | {(modified is { } at ? at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture) : "null")} | {deleted}";
        var expected = new[]
        {
            Row(early, "SHIPPED", t0.AddMinutes(5), deleted: true),
            Row(late, "SHIPPED", t0.AddMinutes(4), deleted: true),
            Row(cancelled, "CANCELLED", t0.AddMinutes(6), deleted: true),
            Row(kept, "SHIPPED", t0.AddMinutes(7), deleted: false),
        }.OrderBy(row => row, StringComparer.Ordinal).ToList();
        var actual = await tables.RowsAsync("SELECT id, status, modified_at, is_deleted FROM orders ORDER BY id::text");
        Assert.Equal(expected, actual);
        Assert.Empty(await setup.Kafka.ReadToEndAsync(setup.OrdersDeadLetterTopic, TimeSpan.FromSeconds(5)));
    }

    /// <summary>
    /// Found by the fault run: the two topics' workers commit concurrently. An order inserted while its user's delete
    /// was not yet committed read the user alive, and the delete's cascade could not see the uncommitted order: the
    /// order stayed live under a deleted user.
    /// </summary>
    [Fact]
    public async Task An_order_created_while_its_users_delete_is_being_committed_is_stored_deleted()
    {
        var setup = await ConsumerTestSetup.CreateAsync(kafka, await postgres.CreateDatabaseAsync());
        var tables = new CdcTables(setup.DatabaseConnectionString);
        var t0 = new DateTimeOffset(2024, 3, 1, 10, 0, 0, TimeSpan.Zero);
        var (ada, order) = (Guid.NewGuid(), Guid.NewGuid());
        await setup.ProduceUserAsync(ada.ToString(), GoJson.UserCreate(ada, "Ada", new DateOnly(1990, 1, 1), t0));
        await ConsumerDeliveryTests.RunUntilIdleAsync(setup);

        // The users worker's transaction, caught between its delete (and cascade) and its commit.
        await using var userWorker = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(setup.DatabaseConnectionString) { Pooling = false }.ConnectionString);
        await userWorker.OpenAsync(Ct);
        await using var transaction = await userWorker.BeginTransactionAsync(Ct);
        await using (var delete = new NpgsqlCommand("UPDATE users SET is_deleted = true, modified_at = $1 WHERE id = $2", userWorker, transaction))
        {
            delete.Parameters.Add(new NpgsqlParameter { Value = t0.AddMinutes(10) });
            delete.Parameters.Add(new NpgsqlParameter { Value = ada });
            await delete.ExecuteNonQueryAsync(Ct);
        }

        await using var consumer = await ConsumerHost.StartAsync(setup);
        await setup.ProduceOrderAsync(order.ToString(), GoJson.OrderCreate(order, ada, 1, 10, t0.AddMinutes(2)));
        await tables.WaitUntilAsync(
            async () => await tables.ScalarAsync<long>("SELECT count(*) FROM orders") > 0
                || await tables.ScalarAsync<long>("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'") > 0,
            "the order's insert to finish or to wait for the user's delete");
        await transaction.CommitAsync(Ct);

        await tables.WaitUntilAsync(async () => await tables.ScalarAsync<long>("SELECT count(*) FROM orders") > 0, "the order");
        Assert.Equal([$"{order} | True"], await tables.RowsAsync("SELECT id, is_deleted FROM orders"));
    }
}
