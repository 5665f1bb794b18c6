using CdcPipeline.Tests.Infrastructure;
using CdcPipeline.ServiceDefaults.Kafka;
using CdcPipeline.Tests.Infrastructure.Kafka;
using CdcPipeline.Tests.Infrastructure.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace CdcPipeline.Tests.Consumer;

/// <summary>
/// Orders whose user has not arrived are parked by key: later events of the same order wait behind them, every other
/// key of the partition goes on, and offsets are committed only up to the oldest parked event.
/// </summary>
public sealed class MissingUserParkingTests(KafkaFixture kafka, PostgresFixture postgres) : IClassFixture<KafkaFixture>
{
    private static readonly DateTimeOffset T0 = new(2024, 3, 1, 10, 0, 0, TimeSpan.Zero);

    /// <summary>A budget no test reaches: whatever lands, lands while the orphans are still parked.</summary>
    private static readonly Dictionary<string, string?> LongBudget = new()
    {
        ["Consumer:MissingUserRetryBudget"] = "00:10:00",
        ["Consumer:MissingUserRetryMaxDelay"] = "00:00:00.500",
    };

    [Fact]
    public async Task Orphan_orders_at_the_head_of_every_partition_do_not_delay_the_good_orders_of_other_keys()
    {
        var setup = await ConsumerTestSetup.CreateAsync(kafka, await postgres.CreateDatabaseAsync());
        var tables = new CdcTables(setup.DatabaseConnectionString);
        var good = Scenario.Generate(seed: 61, userEvents: 40, orderEvents: 300);
        var orphans = Orphans(ConsumerTestSetup.OrderPartitions * 5);
        var expected = await ConsumerDeliveryTests.ReferenceAsync(postgres, good);
        await using var consumer = await ConsumerHost.StartAsync(setup, LongBudget);
        await ConsumerDeliveryTests.ProduceAsync(setup, good.UserEvents);
        await tables.WaitUntilAsync(async () => (await tables.UsersAsync()).SequenceEqual(expected.Users), "every user");

        for (var i = 0; i < orphans.Count; i++)
        {
            await ProduceAsync(setup, orphans[i].Create, i % ConsumerTestSetup.OrderPartitions);
        }

        await ConsumerDeliveryTests.ProduceAsync(setup, good.OrderEvents);

        // Every partition has good orders behind its orphans: they all land while every orphan is still parked.
        await tables.WaitUntilAsync(async () => (await tables.OrdersAsync()).SequenceEqual(expected.Orders), "every good order");
        await WaitForParkedAsync(consumer, orphans.Count);
        Assert.Equal(0L, await tables.ScalarAsync<long>("SELECT count(*) FROM orders WHERE id = ANY($1)", orphans.Select(o => Guid.Parse(o.Create.Key)).ToArray()));
        Assert.Empty(await setup.Kafka.ReadToEndAsync(setup.OrdersDeadLetterTopic, TimeSpan.FromSeconds(10)));

        await ConsumerDeliveryTests.ProduceAsync(setup, orphans.Select(orphan => orphan.User));
        var all = await ConsumerDeliveryTests.ReferenceAsync(
            postgres, good.UserEvents.Concat(orphans.Select(o => o.User)).Concat(orphans.Select(o => o.Create)).Concat(good.OrderEvents));
        await tables.WaitUntilAsync(async () => (await tables.OrdersAsync()).SequenceEqual(all.Orders), "the orphans once their users arrived");
        await WaitForParkedAsync(consumer, 0);
    }

    [Fact]
    public async Task Later_events_of_a_parked_order_wait_behind_it_and_apply_after_it_in_order()
    {
        var setup = await ConsumerTestSetup.CreateAsync(kafka, await postgres.CreateDatabaseAsync());
        var tables = new CdcTables(setup.DatabaseConnectionString);
        var good = Scenario.Generate(seed: 67, userEvents: 20, orderEvents: 120);
        var (user, order) = (Guid.NewGuid(), Guid.NewGuid());
        var key = order.ToString();
        WireEvent[] parkedEvents =
        [
            new(false, key, GoJson.OrderCreate(order, user, 3, 30, T0.AddMinutes(1))),
            new(false, key, GoJson.OrderUpdate(order, T0.AddMinutes(2))),
            new(false, key, GoJson.OrderDelete(order, T0.AddMinutes(3))),
        ];
        var userCreate = new WireEvent(true, user.ToString(), GoJson.UserCreate(user, "Late", new DateOnly(1990, 1, 1), T0));
        var goodRows = await ConsumerDeliveryTests.ReferenceAsync(postgres, good);
        var finalRows = await ConsumerDeliveryTests.ReferenceAsync(postgres, good.UserEvents.Append(userCreate).Concat(parkedEvents).Concat(good.OrderEvents));
        await using var consumer = await ConsumerHost.StartAsync(setup, LongBudget);
        await ConsumerDeliveryTests.ProduceAsync(setup, good.UserEvents);
        await tables.WaitUntilAsync(async () => (await tables.UsersAsync()).SequenceEqual(goodRows.Users), "every user");

        await ConsumerDeliveryTests.ProduceAsync(setup, good.OrderEvents.Take(60));
        await ConsumerDeliveryTests.ProduceAsync(setup, parkedEvents.Take(1));
        await ConsumerDeliveryTests.ProduceAsync(setup, good.OrderEvents.Skip(60).Take(30));
        await ConsumerDeliveryTests.ProduceAsync(setup, parkedEvents.Skip(1));
        await ConsumerDeliveryTests.ProduceAsync(setup, good.OrderEvents.Skip(90));

        await tables.WaitUntilAsync(async () => (await tables.OrdersAsync()).SequenceEqual(goodRows.Orders), "every good order");
        await WaitForParkedAsync(consumer, parkedEvents.Length);

        await ConsumerDeliveryTests.ProduceAsync(setup, [userCreate]);
        await tables.WaitUntilAsync(async () => (await tables.OrdersAsync()).SequenceEqual(finalRows.Orders), "the parked order's three events");
        Assert.Contains($"{order} | CANCELLED | True", await tables.RowsAsync("SELECT id, status, is_deleted FROM orders"));
        // Applied out of order, the UPDATE or DELETE would have found no row and been dead-lettered.
        Assert.Empty(await setup.Kafka.ReadToEndAsync(setup.OrdersDeadLetterTopic, TimeSpan.FromSeconds(10)));
        await WaitForParkedAsync(consumer, 0);
    }

    [Fact]
    public async Task Committed_offsets_never_pass_a_parked_event()
    {
        var setup = await ConsumerTestSetup.CreateAsync(kafka, await postgres.CreateDatabaseAsync());
        var tables = new CdcTables(setup.DatabaseConnectionString);
        var owner = Guid.NewGuid();
        var orphans = Orphans(ConsumerTestSetup.OrderPartitions * 2);
        await using var consumer = await ConsumerHost.StartAsync(setup, LongBudget);
        await setup.ProduceUserAsync(owner.ToString(), GoJson.UserCreate(owner, "Owner", new DateOnly(1980, 1, 1), T0));
        await tables.WaitForCountsAsync(1, 0);

        // Each partition: 4 good orders, an orphan (offset 4), 4 good, an orphan (offset 9), 4 good.
        var goodOrders = 0;
        for (var partition = 0; partition < ConsumerTestSetup.OrderPartitions; partition++)
        {
            for (var position = 0; position < 14; position++)
            {
                if (position is 4 or 9)
                {
                    await ProduceAsync(setup, orphans[(partition * 2) + (position == 4 ? 0 : 1)].Create, partition);
                }
                else
                {
                    var order = Guid.NewGuid();
                    await ProduceAsync(setup, new(false, order.ToString(), GoJson.OrderCreate(order, owner, 1, 9.5, T0.AddMinutes(position + 1))), partition);
                    goodOrders++;
                }
            }
        }

        await tables.WaitForCountsAsync(1, goodOrders);
        long[] committed = [];
        var seen = new List<long[]>();
        await tables.WaitUntilAsync(
            async () =>
            {
                committed = await setup.CommittedOrderOffsetsAsync();
                seen.Add(committed);
                return committed.All(offset => offset == 4);
            },
            "every partition committed up to its first orphan");
        // Sampled until then and once more after: never beyond the oldest parked event.
        seen.Add(await setup.CommittedOrderOffsetsAsync());
        Assert.All(seen, offsets => Assert.All(offsets, offset => Assert.True(offset <= 4, $"committed {offset}, past the orphan at offset 4")));
        await WaitForParkedAsync(consumer, orphans.Count);

        await ConsumerDeliveryTests.ProduceAsync(setup, orphans.Select(orphan => orphan.User));
        await tables.WaitForCountsAsync(1 + orphans.Count, goodOrders + orphans.Count);
        await tables.WaitUntilAsync(
            async () => (await setup.CommittedOrderOffsetsAsync()).All(offset => offset == 14), "every partition committed to its end");
    }

    [Fact]
    public async Task A_consumer_killed_while_orders_are_parked_redelivers_them_and_ends_in_the_right_rows()
    {
        var setup = await ConsumerTestSetup.CreateAsync(kafka, await postgres.CreateDatabaseAsync());
        var tables = new CdcTables(setup.DatabaseConnectionString);
        var good = Scenario.Generate(seed: 73, userEvents: 30, orderEvents: 150);
        var orphans = Orphans(ConsumerTestSetup.OrderPartitions);
        var orphanUpdates = orphans.Select(o => new WireEvent(false, o.Create.Key, GoJson.OrderUpdate(Guid.Parse(o.Create.Key), T0.AddHours(1)))).ToList();
        var goodRows = await ConsumerDeliveryTests.ReferenceAsync(postgres, good);
        var finalRows = await ConsumerDeliveryTests.ReferenceAsync(
            postgres, good.UserEvents.Concat(orphans.Select(o => o.User)).Concat(orphans.Select(o => o.Create)).Concat(orphanUpdates).Concat(good.OrderEvents));
        await ConsumerDeliveryTests.ProduceAsync(setup, good.UserEvents);
        // Each partition: 3 good orders, an orphan (offset 3), good orders, the orphan's UPDATE, more good orders. An
        // order's events all go to one partition (by key), as the producer's partitioner does.
        for (var partition = 0; partition < ConsumerTestSetup.OrderPartitions; partition++)
        {
            var mine = good.OrderEvents
                .Where(wire => (StringComparer.Ordinal.GetHashCode(wire.Key) & int.MaxValue) % ConsumerTestSetup.OrderPartitions == partition)
                .ToList();
            var third = mine.Count / 3;
            foreach (var wire in mine.Take(3))
            {
                await ProduceAsync(setup, wire, partition);
            }

            await ProduceAsync(setup, orphans[partition].Create, partition);
            foreach (var wire in mine.Skip(3).Take(third))
            {
                await ProduceAsync(setup, wire, partition);
            }

            await ProduceAsync(setup, orphanUpdates[partition], partition);
            foreach (var wire in mine.Skip(3 + third))
            {
                await ProduceAsync(setup, wire, partition);
            }
        }

        using (var first = ServiceProcess.Consumer(setup.EnvironmentVariables(LongBudget)))
        {
            await tables.WaitUntilAsync(async () => (await tables.OrdersAsync()).SequenceEqual(goodRows.Orders), "every good order");
            await tables.WaitUntilAsync(
                async () => (await setup.CommittedOrderOffsetsAsync()).All(offset => offset == 3), "offsets committed up to the orphans");
            first.Kill();
        }

        Assert.All(await setup.CommittedOrderOffsetsAsync(), offset => Assert.Equal(3, offset));
        Assert.Empty(await setup.Kafka.ReadToEndAsync(setup.OrdersDeadLetterTopic, TimeSpan.FromSeconds(5)));
        await ConsumerDeliveryTests.ProduceAsync(setup, orphans.Select(orphan => orphan.User));

        using var second = ServiceProcess.Consumer(setup.EnvironmentVariables(new Dictionary<string, string?>(LongBudget) { ["Consumer:IdleTimeout"] = "00:00:03" }));
        var exitCode = await second.WaitForExitAsync(TimeSpan.FromSeconds(150));

        Assert.True(exitCode == 0, $"The restarted consumer exited with {exitCode}:\n{second.Output}");
        Assert.Equal(finalRows.Users, await tables.UsersAsync());
        Assert.Equal(finalRows.Orders, await tables.OrdersAsync());
        Assert.Empty(await setup.Kafka.ReadToEndAsync(setup.OrdersDeadLetterTopic, TimeSpan.FromSeconds(5)));
        Assert.Equal(await setup.HighWatermarksAsync(), await setup.CommittedOffsetsAsync());
    }

    [Fact]
    public async Task Parked_orders_past_their_budget_are_dead_lettered_with_the_reason_and_the_partition_commits_past_them()
    {
        var setup = await ConsumerTestSetup.CreateAsync(kafka, await postgres.CreateDatabaseAsync());
        var tables = new CdcTables(setup.DatabaseConnectionString);
        var good = Scenario.Generate(seed: 79, userEvents: 20, orderEvents: 100);
        var orphans = Orphans(3);
        var orphanUpdate = new WireEvent(false, orphans[0].Create.Key, GoJson.OrderUpdate(Guid.Parse(orphans[0].Create.Key), T0.AddHours(1)));
        var orphanDelete = new WireEvent(false, orphans[1].Create.Key, GoJson.OrderDelete(Guid.Parse(orphans[1].Create.Key), T0.AddHours(1)));
        var expected = await ConsumerDeliveryTests.ReferenceAsync(postgres, good);
        await using var consumer = await ConsumerHost.StartAsync(setup, new Dictionary<string, string?>
        {
            ["Consumer:MissingUserRetryBudget"] = "00:00:02",
            ["Consumer:MissingUserRetryMaxDelay"] = "00:00:00.300",
        });
        await ConsumerDeliveryTests.ProduceAsync(setup, good.UserEvents);
        await tables.WaitUntilAsync(async () => (await tables.UsersAsync()).SequenceEqual(expected.Users), "every user");

        await ConsumerDeliveryTests.ProduceAsync(setup, orphans.Select(o => o.Create));
        await ConsumerDeliveryTests.ProduceAsync(setup, good.OrderEvents.Take(50));
        await ConsumerDeliveryTests.ProduceAsync(setup, [orphanUpdate, orphanDelete]);
        await ConsumerDeliveryTests.ProduceAsync(setup, good.OrderEvents.Skip(50));

        var letters = await setup.Kafka.ConsumeAllAsync(setup.OrdersDeadLetterTopic, orphans.Count + 2, TimeSpan.FromSeconds(90));
        Assert.Equal(orphans.Count + 2, letters.Count);
        const string budget = "did not arrive within 00:00:02 (Consumer:MissingUserRetryBudget)";
        foreach (var (create, user) in orphans)
        {
            var letter = Assert.Single(letters, l => l.ValueString == create.Json);
            Assert.Equal($"user {user.Key} (user_id) of order {create.Key} {budget}", letter.Header(KafkaDeadLetterHeaders.Reason));
            Assert.Equal(setup.OrdersTopic, letter.Header(KafkaDeadLetterHeaders.OriginTopic));
        }

        foreach (var later in new[] { orphanUpdate, orphanDelete })
        {
            var letter = Assert.Single(letters, l => l.ValueString == later.Json);
            Assert.Equal(
                $"order {later.Key} was never created: its CREATE waited for a user that {budget}", letter.Header(KafkaDeadLetterHeaders.Reason));
        }

        await tables.WaitUntilAsync(async () => (await tables.OrdersAsync()).SequenceEqual(expected.Orders), "every good order");
        await WaitForParkedAsync(consumer, 0);
        await tables.WaitUntilAsync(
            async () => (await setup.HighWatermarksAsync()).SequenceEqual(await setup.CommittedOffsetsAsync()), "offsets committed past the dead letters");
    }

    [Fact]
    public async Task A_partition_whose_park_is_full_is_paused_until_the_park_drains_and_the_others_go_on()
    {
        var setup = await ConsumerTestSetup.CreateAsync(kafka, await postgres.CreateDatabaseAsync());
        var tables = new CdcTables(setup.DatabaseConnectionString);
        var owner = Guid.NewGuid();
        var orphans = Orphans(10);
        const int max = 4;
        const int batch = 2;
        await using var consumer = await ConsumerHost.StartAsync(setup, new Dictionary<string, string?>(LongBudget)
        {
            ["Consumer:MaxParkedPerPartition"] = max.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Consumer:BatchSize"] = batch.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        await setup.ProduceUserAsync(owner.ToString(), GoJson.UserCreate(owner, "Owner", new DateOnly(1980, 1, 1), T0));
        await tables.WaitForCountsAsync(1, 0);

        foreach (var orphan in orphans)
        {
            await ProduceAsync(setup, orphan.Create, partition: 0);
        }

        var behind = new List<Guid>();
        var elsewhere = new List<Guid>();
        for (var i = 0; i < 6; i++)
        {
            var (first, second) = (Guid.NewGuid(), Guid.NewGuid());
            await ProduceAsync(setup, new(false, first.ToString(), GoJson.OrderCreate(first, owner, 1, 5, T0.AddMinutes(i))), partition: 0);
            await ProduceAsync(setup, new(false, second.ToString(), GoJson.OrderCreate(second, owner, 1, 5, T0.AddMinutes(i))), partition: 1);
            behind.Add(first);
            elsewhere.Add(second);
        }

        await tables.WaitForCountsAsync(1, elsewhere.Count);
        var health = await HealthAsync(consumer);
        for (var deadline = DateTime.UtcNow.AddSeconds(60); health.Status != HealthStatus.Degraded && DateTime.UtcNow < deadline; health = await HealthAsync(consumer))
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        Assert.Equal(HealthStatus.Degraded, health.Status);
        Assert.Contains($"{setup.OrdersTopic} [0]", health.Description, StringComparison.Ordinal);
        Assert.InRange(Parked(health), max, max + batch - 1);
        // The orders behind the full park wait: the partition takes no new batch while it is full.
        Assert.Equal(0L, await tables.ScalarAsync<long>("SELECT count(*) FROM orders WHERE id = ANY($1)", behind.ToArray()));

        await ConsumerDeliveryTests.ProduceAsync(setup, orphans.Select(orphan => orphan.User));
        await tables.WaitForCountsAsync(1 + orphans.Count, orphans.Count + behind.Count + elsewhere.Count);
        await WaitForParkedAsync(consumer, 0);
        Assert.Equal(HealthStatus.Healthy, (await HealthAsync(consumer)).Status);
        Assert.Empty(await setup.Kafka.ReadToEndAsync(setup.OrdersDeadLetterTopic, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_partition_revoked_while_orders_are_parked_dead_letters_none_and_its_new_owner_applies_them()
    {
        var setup = await ConsumerTestSetup.CreateAsync(kafka, await postgres.CreateDatabaseAsync());
        var tables = new CdcTables(setup.DatabaseConnectionString);
        var good = Scenario.Generate(seed: 83, userEvents: 20, orderEvents: 100);
        var orphans = Orphans(ConsumerTestSetup.OrderPartitions * 2);
        var goodRows = await ConsumerDeliveryTests.ReferenceAsync(postgres, good);
        var finalRows = await ConsumerDeliveryTests.ReferenceAsync(
            postgres, good.UserEvents.Concat(orphans.Select(o => o.User)).Concat(orphans.Select(o => o.Create)).Concat(good.OrderEvents));
        await ConsumerDeliveryTests.ProduceAsync(setup, good.UserEvents);
        for (var i = 0; i < orphans.Count; i++)
        {
            await ProduceAsync(setup, orphans[i].Create, i % ConsumerTestSetup.OrderPartitions);
        }

        await ConsumerDeliveryTests.ProduceAsync(setup, good.OrderEvents);
        await using var first = await ConsumerHost.StartAsync(setup, LongBudget);
        await tables.WaitUntilAsync(async () => (await tables.OrdersAsync()).SequenceEqual(goodRows.Orders), "every good order");
        await WaitForParkedAsync(first, orphans.Count);

        await using var second = await ConsumerHost.StartAsync(setup, LongBudget);
        // The rebalance moves partitions to the second consumer: their parked orders are redelivered there and park again.
        await tables.WaitUntilAsync(
            async () => Parked(await HealthAsync(second)) > 0 && Parked(await HealthAsync(first)) + Parked(await HealthAsync(second)) == orphans.Count,
            "the parked orders of the moved partitions parked again by their new owner");
        Assert.Empty(await setup.Kafka.ReadToEndAsync(setup.OrdersDeadLetterTopic, TimeSpan.FromSeconds(5)));

        await ConsumerDeliveryTests.ProduceAsync(setup, orphans.Select(orphan => orphan.User));
        await tables.WaitUntilAsync(async () => (await tables.OrdersAsync()).SequenceEqual(finalRows.Orders), "every order");
        Assert.Empty(await setup.Kafka.ReadToEndAsync(setup.OrdersDeadLetterTopic, TimeSpan.FromSeconds(5)));
    }

    /// <summary>A short budget, and the users held behind a write that waits well past it.</summary>
    private static readonly Dictionary<string, string?> ShortBudget = new()
    {
        ["Consumer:MissingUserRetryBudget"] = "00:00:01",
        ["Consumer:MissingUserRetryMaxDelay"] = "00:00:00.200",
    };

    [Fact]
    public async Task Orders_whose_users_are_behind_in_the_users_topic_wait_for_them_past_the_budget_and_all_land()
    {
        var setup = await ConsumerTestSetup.CreateAsync(kafka, await postgres.CreateDatabaseAsync());
        var tables = new CdcTables(setup.DatabaseConnectionString);
        var backlog = UsersBacklog(setup, seed: 89);
        var expected = await ConsumerDeliveryTests.ReferenceAsync(postgres, backlog.Users.Concat(backlog.Orders));
        await using var consumer = await ConsumerHost.StartAsync(setup, ShortBudget);

        await using (var held = await HeldUser.InsertAsync(setup.DatabaseConnectionString, backlog.HeldUser))
        {
            await backlog.ProduceAsync();
            await WaitForParkedAsync(consumer, backlog.Orders.Count);
            // The users partition stays behind for several budgets: without a user applied, no budget starts.
            await Task.Delay(TimeSpan.FromSeconds(4), TestContext.Current.CancellationToken);
            Assert.Equal(backlog.Orders.Count, Parked(await HealthAsync(consumer)));
            Assert.Empty(await setup.Kafka.ReadToEndAsync(setup.OrdersDeadLetterTopic, TimeSpan.FromSeconds(5)));
        }

        await tables.WaitUntilAsync(async () => (await tables.OrdersAsync()).SequenceEqual(expected.Orders), "every order once its user was applied");
        Assert.Equal(expected.Users, await tables.UsersAsync());
        await WaitForParkedAsync(consumer, 0);
        Assert.Empty(await setup.Kafka.ReadToEndAsync(setup.OrdersDeadLetterTopic, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task An_order_whose_user_never_comes_is_dead_lettered_with_the_reason_once_the_users_topic_caught_up()
    {
        var setup = await ConsumerTestSetup.CreateAsync(kafka, await postgres.CreateDatabaseAsync());
        var tables = new CdcTables(setup.DatabaseConnectionString);
        var backlog = UsersBacklog(setup, seed: 97);
        var (orphan, neverSent) = Orphans(1)[0];
        var expected = await ConsumerDeliveryTests.ReferenceAsync(postgres, backlog.Users.Concat(backlog.Orders));
        await using var consumer = await ConsumerHost.StartAsync(setup, ShortBudget);

        await using (var held = await HeldUser.InsertAsync(setup.DatabaseConnectionString, backlog.HeldUser))
        {
            await backlog.ProduceAsync();
            await ProduceAsync(setup, orphan, partition: 0);
            await WaitForParkedAsync(consumer, backlog.Orders.Count + 1);
            await Task.Delay(TimeSpan.FromSeconds(4), TestContext.Current.CancellationToken);
            Assert.Equal(backlog.Orders.Count + 1, Parked(await HealthAsync(consumer)));
            Assert.Empty(await setup.Kafka.ReadToEndAsync(setup.OrdersDeadLetterTopic, TimeSpan.FromSeconds(5)));
        }

        var letter = Assert.Single(await setup.Kafka.ConsumeAllAsync(setup.OrdersDeadLetterTopic, 1, TimeSpan.FromSeconds(90)));
        Assert.Equal(orphan.Json, letter.ValueString);
        Assert.Equal(
            $"user {neverSent.Key} (user_id) of order {orphan.Key} did not arrive within 00:00:01 (Consumer:MissingUserRetryBudget)",
            letter.Header(KafkaDeadLetterHeaders.Reason));
        await tables.WaitUntilAsync(async () => (await tables.OrdersAsync()).SequenceEqual(expected.Orders), "every order whose user came");
        await WaitForParkedAsync(consumer, 0);
        Assert.Single(await setup.Kafka.ReadToEndAsync(setup.OrdersDeadLetterTopic, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_user_sent_within_the_budget_after_its_order_is_waited_for_however_far_behind_its_partition_is()
    {
        var setup = await ConsumerTestSetup.CreateAsync(kafka, await postgres.CreateDatabaseAsync());
        var tables = new CdcTables(setup.DatabaseConnectionString);
        var backlog = UsersBacklog(setup, seed: 101);
        var (orphan, user) = Orphans(1)[0];
        var expected = await ConsumerDeliveryTests.ReferenceAsync(postgres, [backlog.Users[0], user, orphan]);
        var budget = new Dictionary<string, string?>
        {
            ["Consumer:MissingUserRetryBudget"] = "00:00:05",
            ["Consumer:MissingUserRetryMaxDelay"] = "00:00:00.200",
        };
        await using var consumer = await ConsumerHost.StartAsync(setup, budget);

        // The users topic is caught up when the order parks, so its budget starts at once; its user comes within the
        // budget, behind a user whose write waits well past it.
        await ProduceAsync(setup, orphan, partition: 0);
        await WaitForParkedAsync(consumer, 1);
        await using (var held = await HeldUser.InsertAsync(setup.DatabaseConnectionString, backlog.HeldUser))
        {
            await setup.Kafka.ProduceAsync(setup.UsersTopic, backlog.Users[0].Key, backlog.Users[0].Json, partition: 0);
            await setup.Kafka.ProduceAsync(setup.UsersTopic, user.Key, user.Json, partition: 0);
            await Task.Delay(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
            Assert.Equal(1, Parked(await HealthAsync(consumer)));
            Assert.Empty(await setup.Kafka.ReadToEndAsync(setup.OrdersDeadLetterTopic, TimeSpan.FromSeconds(5)));
        }

        await tables.WaitUntilAsync(async () => (await tables.OrdersAsync()).SequenceEqual(expected.Orders), "the order once its user was applied");
        await WaitForParkedAsync(consumer, 0);
        Assert.Empty(await setup.Kafka.ReadToEndAsync(setup.OrdersDeadLetterTopic, TimeSpan.FromSeconds(5)));
    }

    /// <summary>
    /// A backlog of users on one users partition, the first of them to be held (<see cref="HeldUser"/>), and a CREATE
    /// for each of the last ten: the orders' partitions run ahead of the users' until the hold is released.
    /// </summary>
    private static UsersBacklogEvents UsersBacklog(ConsumerTestSetup setup, int seed)
    {
        var random = new Random(seed);
        var users = Enumerable.Range(0, 200).Select(i =>
        {
            var user = new Guid(Enumerable.Range(0, 16).Select(_ => (byte)random.Next(256)).ToArray());
            return new WireEvent(true, user.ToString(), GoJson.UserCreate(user, $"Backlog {i}", new DateOnly(1985, 1, 1), T0));
        }).ToList();
        var orders = users.TakeLast(10).Select((user, i) =>
        {
            var order = new Guid(Enumerable.Range(0, 16).Select(_ => (byte)random.Next(256)).ToArray());
            return new WireEvent(false, order.ToString(), GoJson.OrderCreate(order, Guid.Parse(user.Key), i + 1, 12.5, T0.AddMinutes(i)));
        }).ToList();
        return new UsersBacklogEvents(setup, users, orders);
    }

    private sealed record UsersBacklogEvents(ConsumerTestSetup Setup, List<WireEvent> Users, List<WireEvent> Orders)
    {
        public Guid HeldUser => Guid.Parse(Users[0].Key);

        public async Task ProduceAsync()
        {
            foreach (var user in Users)
            {
                await Setup.Kafka.ProduceAsync(Setup.UsersTopic, user.Key, user.Json, partition: 0);
            }

            for (var i = 0; i < Orders.Count; i++)
            {
                await MissingUserParkingTests.ProduceAsync(Setup, Orders[i], i % ConsumerTestSetup.OrderPartitions);
            }
        }
    }

    /// <summary>
    /// A user's row inserted by a transaction left open: the consumer's write of the same user waits for it (and with it
    /// every later event of its users partition) while PostgreSQL stays reachable; rolled back when disposed.
    /// </summary>
    private sealed class HeldUser(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
    {
        public static async Task<HeldUser> InsertAsync(string connectionString, Guid user)
        {
            var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
            await connection.OpenAsync();
            var transaction = await connection.BeginTransactionAsync();
            await using var insert = new NpgsqlCommand("INSERT INTO users (id, name, dob) VALUES ($1, 'held', '1990-01-01')", connection, transaction)
            {
                Parameters = { new NpgsqlParameter { Value = user } },
            };
            await insert.ExecuteNonQueryAsync();
            return new HeldUser(connection, transaction);
        }

        public async ValueTask DisposeAsync()
        {
            await transaction.RollbackAsync();
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }

    /// <summary>Order CREATEs whose users do not exist yet, each with the CREATE of its user to send later.</summary>
    private static List<(WireEvent Create, WireEvent User)> Orphans(int count) =>
        Enumerable.Range(0, count).Select(i =>
        {
            var (order, user) = (Guid.NewGuid(), Guid.NewGuid());
            return (
                new WireEvent(false, order.ToString(), GoJson.OrderCreate(order, user, i + 1, 10.25 * (i + 1), T0.AddSeconds(i))),
                new WireEvent(true, user.ToString(), GoJson.UserCreate(user, $"Late {i}", new DateOnly(1990, 1, 1), T0.AddSeconds(-1))));
        }).ToList();

    private static Task ProduceAsync(ConsumerTestSetup setup, WireEvent wire, int partition) =>
        setup.Kafka.ProduceAsync(setup.OrdersTopic, wire.Key, wire.Json, partition: partition);

    private static async Task<HealthReportEntry> HealthAsync(ConsumerHost host)
    {
        var report = await host.Services.GetRequiredService<HealthCheckService>()
            .CheckHealthAsync(registration => registration.Name == "consumer", TestContext.Current.CancellationToken);
        return report.Entries["consumer"];
    }

    /// <summary>The events parked in all, as the consumer's health check reports them per partition.</summary>
    private static int Parked(HealthReportEntry health) =>
        health.Data.Where(entry => entry.Key.StartsWith("parked ", StringComparison.Ordinal)).Sum(entry => (int)entry.Value);

    private static async Task WaitForParkedAsync(ConsumerHost host, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        var parked = Parked(await HealthAsync(host));
        while (parked != count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
            parked = Parked(await HealthAsync(host));
        }

        Assert.Equal(count, parked);
    }
}
