using CdcPipeline.Tests.Infrastructure.Kafka;
using CdcPipeline.Tests.Infrastructure.Postgres;

namespace CdcPipeline.Tests.Consumer;

/// <summary>Idempotence and ordering: what arrives twice, late or out of order leaves the rows the original's SQL makes.</summary>
public sealed class ConsumerDeliveryTests(KafkaFixture kafka, PostgresFixture postgres) : IClassFixture<KafkaFixture>
{
    private static readonly Dictionary<string, string?> ExitWhenIdle = new() { ["Consumer:IdleTimeout"] = "00:00:02" };

    [Fact]
    public async Task Events_delivered_twice_leave_the_same_rows_and_rewrite_none()
    {
        var setup = await ConsumerTestSetup.CreateAsync(kafka, await postgres.CreateDatabaseAsync());
        var tables = new CdcTables(setup.DatabaseConnectionString);
        var scenario = Scenario.Generate(seed: 11, userEvents: 60, orderEvents: 90);
        var expected = await ReferenceAsync(postgres, scenario);

        await ProduceAsync(setup, scenario.All);
        await RunUntilIdleAsync(setup);
        Assert.Equal(expected.Users, await tables.UsersAsync());
        Assert.Equal(expected.Orders, await tables.OrdersAsync());
        var versions = await RowVersionsAsync(tables);

        await ProduceAsync(setup, scenario.All);
        await RunUntilIdleAsync(setup, KafkaFixture.UniqueTopic("second-group"));

        Assert.Equal(expected.Users, await tables.UsersAsync());
        Assert.Equal(expected.Orders, await tables.OrdersAsync());
        Assert.Equal(versions, await RowVersionsAsync(tables));
    }

    [Fact]
    public async Task Older_events_after_newer_ones_do_not_win()
    {
        var setup = await ConsumerTestSetup.CreateAsync(kafka, await postgres.CreateDatabaseAsync());
        var tables = new CdcTables(setup.DatabaseConnectionString);
        var user = Guid.NewGuid();
        var order = Guid.NewGuid();
        var t0 = new DateTimeOffset(2024, 3, 1, 10, 0, 0, TimeSpan.FromHours(5.5));
        var key = user.ToString();

        await setup.ProduceUserAsync(key, GoJson.UserCreate(user, "First", new DateOnly(1990, 5, 17), t0));
        await setup.ProduceUserAsync(key, GoJson.UserUpdate(user, "Newest", t0.AddMinutes(30)));
        await setup.ProduceUserAsync(key, GoJson.UserUpdate(user, "Older", t0.AddMinutes(10)));
        await setup.ProduceUserAsync(key, GoJson.UserCreate(user, "First", new DateOnly(1990, 5, 17), t0));
        await setup.ProduceOrderAsync(order.ToString(), GoJson.OrderCreate(order, user, 3, 30.5, t0.AddMinutes(1)));
        await setup.ProduceOrderAsync(order.ToString(), GoJson.OrderDelete(order, t0.AddMinutes(40)));
        await setup.ProduceOrderAsync(order.ToString(), GoJson.OrderUpdate(order, t0.AddMinutes(20)));
        await RunUntilIdleAsync(setup);

        Assert.Equal(
            [$"{user} | Newest | 1990-05-17 | 2024-03-01T04:30:00.000000Z | 2024-03-01T05:00:00.000000Z | False"],
            await tables.UsersAsync());
        Assert.Equal(
            [$"{order} | CANCELLED | {user} | 3 | 30.50 | 2024-03-01T04:31:00.000000Z | 2024-03-01T05:10:00.000000Z | True"],
            await tables.OrdersAsync());
    }

    [Fact]
    public async Task Of_two_updates_at_the_same_time_the_later_in_offset_order_wins_and_stale_ones_are_counted_apart()
    {
        var setup = await ConsumerTestSetup.CreateAsync(kafka, await postgres.CreateDatabaseAsync());
        var tables = new CdcTables(setup.DatabaseConnectionString);
        using var metrics = new ConsumerMetricsCapture(setup.UsersTopic, setup.OrdersTopic);
        var (user, order) = (Guid.NewGuid(), Guid.NewGuid());
        var t0 = new DateTimeOffset(2024, 3, 1, 10, 0, 0, TimeSpan.Zero);
        var key = user.ToString();

        await setup.ProduceUserAsync(key, GoJson.UserCreate(user, "First", new DateOnly(1990, 5, 17), t0));
        await setup.ProduceUserAsync(key, GoJson.UserUpdate(user, "Second", t0.AddMinutes(5)));
        await setup.ProduceUserAsync(key, GoJson.UserUpdate(user, "Third", t0.AddMinutes(5)));
        await setup.ProduceUserAsync(key, GoJson.UserUpdate(user, "Older", t0.AddMinutes(1)));
        await setup.ProduceUserAsync(key, GoJson.UserCreate(user, "First", new DateOnly(1990, 5, 17), t0));
        await setup.ProduceOrderAsync(order.ToString(), GoJson.OrderCreate(order, user, 1, 5, t0.AddMinutes(2)));
        await setup.ProduceOrderAsync(order.ToString(), GoJson.OrderUpdate(order, t0.AddMinutes(6)));
        await setup.ProduceOrderAsync(order.ToString(), GoJson.OrderDelete(order, t0.AddMinutes(6)));
        await RunUntilIdleAsync(setup);

        Assert.Equal(["Third | 2024-03-01T10:05:00.000000Z"], await tables.RowsAsync("SELECT name, modified_at FROM users"));
        Assert.Equal(["CANCELLED | True"], await tables.RowsAsync("SELECT status, is_deleted FROM orders"));
        Assert.Equal(3, metrics.Sum("cdc.consumer.events.applied", setup.UsersTopic));
        Assert.Equal(2, metrics.Sum("cdc.consumer.events.stale", setup.UsersTopic));
        Assert.Equal(3, metrics.Sum("cdc.consumer.events.applied", setup.OrdersTopic));
        Assert.Equal(0, metrics.Sum("cdc.consumer.events.stale", setup.OrdersTopic));
    }

    [Fact]
    public async Task Orders_that_arrive_before_their_users_all_land_once_the_users_arrive()
    {
        var setup = await ConsumerTestSetup.CreateAsync(kafka, await postgres.CreateDatabaseAsync());
        var tables = new CdcTables(setup.DatabaseConnectionString);
        var scenario = Scenario.Generate(seed: 23, userEvents: 30, orderEvents: 60);
        var expected = await ReferenceAsync(postgres, scenario);
        using var metrics = new ConsumerMetricsCapture(setup.OrdersTopic);
        // A generous budget: the users are produced only once the orders were attempted, and must not be late.
        await using var consumer = await ConsumerHost.StartAsync(setup, new Dictionary<string, string?>
        {
            ["Consumer:MissingUserRetryBudget"] = "00:03:00",
        });

        await ProduceAsync(setup, scenario.OrderEvents);
        // Orders were attempted and are waiting (a partition's later batches queue behind its waiting one).
        await tables.WaitUntilAsync(
            () => Task.FromResult(metrics.Sum("cdc.consumer.events.awaiting_user", setup.OrdersTopic) > 0),
            "orders attempted and waiting for their users");
        Assert.Equal(0L, await tables.ScalarAsync<long>("SELECT count(*) FROM orders"));
        await ProduceAsync(setup, scenario.UserEvents);

        await tables.WaitUntilAsync(async () => (await tables.OrdersAsync()).SequenceEqual(expected.Orders), "every order");
        Assert.Equal(expected.Users, await tables.UsersAsync());
        Assert.Empty(await setup.Kafka.ReadToEndAsync(setup.OrdersDeadLetterTopic, TimeSpan.FromSeconds(10)));
    }

    /// <summary>The rows the original's statements make from the scenario (users, then orders, each in order).</summary>
    internal static Task<(IReadOnlyList<string> Users, IReadOnlyList<string> Orders)> ReferenceAsync(PostgresFixture postgres, Scenario scenario) =>
        ReferenceAsync(postgres, scenario.All);

    /// <summary>The rows the original's statements make from <paramref name="events"/>, applied one by one in the order given.</summary>
    internal static async Task<(IReadOnlyList<string> Users, IReadOnlyList<string> Orders)> ReferenceAsync(PostgresFixture postgres, IEnumerable<WireEvent> events)
    {
        var reference = new CdcTables(await postgres.CreateDatabaseAsync("cdc_reference"));
        await OriginalSql.ApplyAsync(reference.ConnectionString, events);
        return (await reference.UsersAsync(), await reference.OrdersAsync());
    }

    internal static async Task ProduceAsync(ConsumerTestSetup setup, IEnumerable<WireEvent> events)
    {
        foreach (var wire in events)
        {
            await (wire.IsUser ? setup.ProduceUserAsync(wire.Key, wire.Json) : setup.ProduceOrderAsync(wire.Key, wire.Json));
        }
    }

    /// <summary>Runs the Consumer until Consumer:IdleTimeout ends it: it has applied everything on its topics.</summary>
    internal static async Task RunUntilIdleAsync(ConsumerTestSetup setup, string? groupId = null)
    {
        var settings = new Dictionary<string, string?>(ExitWhenIdle);
        if (groupId is not null)
        {
            settings["Consumer:GroupId"] = groupId;
        }

        await using var consumer = await ConsumerHost.StartAsync(setup, settings);
        await consumer.Completion.WaitAsync(TimeSpan.FromSeconds(120), TestContext.Current.CancellationToken);
    }

    private static async Task<IReadOnlyList<string>> RowVersionsAsync(CdcTables tables) =>
        await tables.RowsAsync("SELECT id::text || ':' || xmin::text FROM users UNION ALL SELECT id::text || ':' || xmin::text FROM orders ORDER BY 1");
}
