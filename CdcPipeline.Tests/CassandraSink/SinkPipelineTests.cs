using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using CdcPipeline.CassandraSink.Consuming;
using CdcPipeline.ServiceDefaults.Cassandra;
using CdcPipeline.ServiceDefaults.Kafka;
using CdcPipeline.Tests.Infrastructure.Kafka;
using CdcPipeline.Tests.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CdcPipeline.Tests.CassandraSink;

/// <summary>The sink service end to end: change events in Kafka, rows in the CQL server.</summary>
public sealed class SinkPipelineTests(KafkaFixture kafka) : IClassFixture<KafkaFixture>
{
    [Fact]
    public async Task Stream_applied_once_gives_the_rows_of_postgres_even_when_topics_appear_after_start()
    {
        var history = ChangeHistory.Generate(seed: 1, withSchema: true);
        await using var sink = await SinkHarness.CreateAsync(kafka, createTopics: false);
        await sink.StartSinkAsync();

        await sink.ProduceAsync(history.Messages);

        await sink.AssertEventuallyAsync(CassandraState.Expected(history.Users.Values, history.Orders.Values));
        AssertPinnedRows(sink, history);
    }

    [Fact]
    public async Task Stream_replayed_twice_ends_in_the_same_state_as_applied_once()
    {
        var history = ChangeHistory.Generate(seed: 2);
        await using var sink = await SinkHarness.CreateAsync(kafka);
        await sink.StartSinkAsync();

        await sink.ProduceAsync(history.Messages);
        await sink.ProduceAsync(history.Messages);
        // A rewound consumer group re-delivers old changes after newer ones: they must not win.
        await sink.ProduceAsync(history.Messages.Take(history.Messages.Count / 2));

        await sink.AssertEventuallyAsync(CassandraState.Expected(history.Users.Values, history.Orders.Values));
        AssertPinnedRows(sink, history);
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    public async Task Stream_shuffled_within_kafka_rules_ends_in_the_same_state(int seed)
    {
        var history = ChangeHistory.Generate(seed: 3);
        await using var sink = await SinkHarness.CreateAsync(kafka);
        await sink.StartSinkAsync();

        var shuffled = history.ShuffledWithinKafkaRules(seed);
        await sink.ProduceAsync(shuffled);
        await sink.ProduceAsync(shuffled.Take(shuffled.Count * 2 / 3));
        await sink.ProduceAsync(history.ShuffledWithinKafkaRules(seed + 100).Take(shuffled.Count / 3));

        await sink.AssertEventuallyAsync(CassandraState.Expected(history.Users.Values, history.Orders.Values));
        AssertPinnedRows(sink, history);
    }

    [Fact]
    public async Task Deletes_remove_rows_and_a_users_orders_read_newest_first()
    {
        var user = new UserState(Guid.NewGuid(), "Grace", new DateOnly(1906, 12, 9), DateTimeOffset.UnixEpoch, null, false);
        var placed = new DateTimeOffset(2024, 3, 1, 12, 0, 0, TimeSpan.Zero);
        var orders = Enumerable.Range(0, 4)
            .Select(i => new OrderState(Guid.NewGuid(), "PLACED", user.Id, i + 1, 10.25m * (i + 1), placed.AddHours(i), null, false))
            .ToList();
        var deleted = orders[1];
        long lsn = 1_000;
        List<ChangeMessage> messages =
        [
            new("users", user.Id, ChangeEventBuilder.User('c', null, user, lsn += 10)),
            .. orders.Select(o => new ChangeMessage("orders", o.Id, ChangeEventBuilder.Order('c', null, o, lsn += 10))),
            new("orders", deleted.Id, ChangeEventBuilder.Order('d', deleted, null, lsn += 10)),
            new("orders", deleted.Id, null),
        ];
        await using var sink = await SinkHarness.CreateAsync(kafka);
        using var tombstones = new CounterProbe("cdc.sink.tombstones", "messaging.destination.name", sink.OrdersTopic);
        await sink.StartSinkAsync();

        await sink.ProduceAsync(messages);

        await WaitUntilAsync(() => tombstones.Total == 1);
        var remaining = orders.Where(o => o != deleted).ToList();
        await sink.AssertEventuallyAsync(CassandraState.Expected([user], remaining));
        var session = sink.Services.GetRequiredService<CqlSession>();
        var rows = await session.QueryAsync($"SELECT order_id, placed_at FROM {SinkHarness.Keyspace}.orders_by_user WHERE user_id = ?", user.Id);
        Assert.Equal(
            remaining.OrderByDescending(o => o.PlacedAt).Select(o => o.Id),
            rows.CurrentPage.Select(r => r.Get<Guid>("order_id")));
    }

    [Fact]
    public async Task Order_moved_to_another_user_and_back_is_listed_under_the_first_user_in_every_delivery_order()
    {
        var a = new UserState(Guid.NewGuid(), "A", new DateOnly(1950, 1, 1), null, null, false);
        var b = new UserState(Guid.NewGuid(), "B", new DateOnly(1960, 1, 1), null, null, false);
        int[][] orders = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
        List<ChangeMessage> messages =
        [
            new("users", a.Id, ChangeEventBuilder.User('c', null, a, 100)),
            new("users", b.Id, ChangeEventBuilder.User('c', null, b, 110)),
        ];
        var finals = new List<OrderState>();
        long lsn = 1_000;
        foreach (var (deliveryOrder, i) in orders.Select((o, i) => (o, i)))
        {
            var placed = new OrderState(Guid.NewGuid(), "PLACED", a.Id, i + 1, 5.5m * (i + 1),
                new DateTimeOffset(2024, 2, 1, 8, 0, 0, TimeSpan.Zero).AddMinutes(i), null, false);
            var atB = placed with { UserId = b.Id, ModifiedAt = placed.PlacedAt!.Value.AddHours(1) };
            var backAtA = atB with { UserId = a.Id, ModifiedAt = placed.PlacedAt!.Value.AddHours(2) };
            ChangeMessage[] changes =
            [
                new("orders", placed.Id, ChangeEventBuilder.Order('c', null, placed, lsn += 10)),
                new("orders", placed.Id, ChangeEventBuilder.Order('u', placed, atB, lsn += 10)),
                new("orders", placed.Id, ChangeEventBuilder.Order('u', atB, backAtA, lsn += 10)),
            ];
            messages.AddRange(deliveryOrder.Select(index => changes[index]));
            finals.Add(backAtA);
        }

        await using var sink = await SinkHarness.CreateAsync(kafka);
        await sink.StartSinkAsync();

        await sink.ProduceAsync(messages);

        await sink.AssertEventuallyAsync(CassandraState.Expected([a, b], finals));
        Assert.All(sink.ReadState().OrdersByUser, listing => Assert.Equal(a.Id, listing.UserId));
    }

    [Fact]
    public async Task Undecodable_change_lands_in_the_dead_letter_topic_and_the_rest_is_applied()
    {
        var history = ChangeHistory.Generate(seed: 4, steps: 30);
        var broken = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(history.Messages.First(m => m.Table == "orders" && m.Value is not null).Value!)
            .Replace("\"user_id\":\"", "\"user_id\":\"x", StringComparison.Ordinal));
        var poison = new ChangeMessage("orders", Guid.NewGuid(), broken);
        var messages = history.Messages.ToList();
        messages.Insert(messages.Count / 2, poison);
        await using var sink = await SinkHarness.CreateAsync(kafka);
        using var deadLettered = new MetricCollector("cdc.kafka.messages.dead_lettered", sink.OrdersTopic);
        await sink.StartSinkAsync();

        await sink.ProduceAsync(messages);

        await sink.AssertEventuallyAsync(CassandraState.Expected(history.Users.Values, history.Orders.Values));
        AssertPinnedRows(sink, history);
        await WaitUntilAsync(() => deadLettered.Sum == 1);
        Assert.Equal("invalid", Assert.Single(deadLettered.Measurements).Tags["cdc.dead_letter.kind"]);
        var dead = Assert.Single(await kafka.ConsumeAllAsync($"{sink.OrdersTopic}.dlq", expectedCount: 1, SinkHarness.Timeout));
        Assert.Equal(broken, dead.Value);
        Assert.Contains("after.user_id", dead.Header(KafkaDeadLetterHeaders.Reason), StringComparison.Ordinal);
        Assert.Equal(sink.OrdersTopic, dead.Header(KafkaDeadLetterHeaders.OriginTopic));
    }

    [Fact]
    public async Task Change_with_a_malformed_schema_is_dead_lettered_and_the_rest_of_the_stream_is_applied()
    {
        var history = ChangeHistory.Generate(seed: 7, steps: 30, withSchema: true);
        var poison = Encoding.UTF8.GetBytes("""{"schema":{"fields":[1]},"payload":{"source":{"schema":"public","table":"users","lsn":1},"op":"c","after":{}}}""");
        var messages = history.Messages.ToList();
        messages.Insert(messages.Count / 2, new ChangeMessage("users", Guid.NewGuid(), poison));
        await using var sink = await SinkHarness.CreateAsync(kafka);
        await sink.StartSinkAsync();

        await sink.ProduceAsync(messages);

        await sink.AssertEventuallyAsync(CassandraState.Expected(history.Users.Values, history.Orders.Values));
        AssertPinnedRows(sink, history);
        var dead = Assert.Single(await kafka.ConsumeAllAsync($"{sink.UsersTopic}.dlq", expectedCount: 1, SinkHarness.Timeout));
        Assert.Equal(poison, dead.Value);
        Assert.Contains("schema.fields[0]", dead.Header(KafkaDeadLetterHeaders.Reason), StringComparison.Ordinal);
        Assert.Equal(HealthStatus.Healthy, SinkStatus(sink));
    }

    [Fact]
    public async Task Applied_change_records_its_lag_since_the_commit_in_postgres()
    {
        var committed = DateTimeOffset.UtcNow.AddHours(-1);
        var lags = new ConcurrentQueue<double>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "CdcPipeline.CassandraSink" && instrument.Name == "cdc.sink.change.lag")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((_, value, _, _) => lags.Enqueue(value));
        listener.Start();
        var user = new UserState(Guid.NewGuid(), "Katherine", new DateOnly(1918, 8, 26), null, null, false);
        var value = Encoding.UTF8.GetString(ChangeEventBuilder.User('c', null, user, 800))
            .Replace("\"ts_ms\":1714558530124", $"\"ts_ms\":{committed.ToUnixTimeMilliseconds()}", StringComparison.Ordinal);
        await using var sink = await SinkHarness.CreateAsync(kafka);
        await sink.StartSinkAsync();

        await sink.ProduceAsync([new("users", user.Id, Encoding.UTF8.GetBytes(value))]);

        await sink.AssertEventuallyAsync(CassandraState.Expected([user], []));
        // Another test's events carry a 2024 commit time: only this one lags by about an hour.
        await WaitUntilAsync(() => lags.Any(lag => lag is >= 3600 and < 3600 + 300));
    }

    [Fact]
    public async Task Change_of_an_unknown_table_is_ignored_and_counted()
    {
        var table = $"payments_{Guid.NewGuid():N}";
        using var ignored = new CounterProbe("cdc.sink.changes.ignored", "db.collection.name", $"public.{table}");
        var user = new UserState(Guid.NewGuid(), "Alan", new DateOnly(1912, 6, 23), null, null, false);
        var unknown = Encoding.UTF8.GetBytes(GoldenEvents.PaymentCreateWithoutSchema.Replace("\"payments\"", $"\"{table}\"", StringComparison.Ordinal));
        await using var sink = await SinkHarness.CreateAsync(kafka);
        await sink.StartSinkAsync();

        await sink.ProduceAsync([new("users", Guid.NewGuid(), unknown), new("users", user.Id, ChangeEventBuilder.User('c', null, user, 500))]);

        await sink.AssertEventuallyAsync(CassandraState.Expected([user], []));
        await WaitUntilAsync(() => ignored.Total == 1);
    }

    [Fact]
    public async Task Cassandra_stopped_and_restarted_mid_stream_ends_with_every_change_applied()
    {
        var history = ChangeHistory.Generate(seed: 5, steps: 160);
        await using var sink = await SinkHarness.CreateAsync(kafka);
        await sink.StartSinkAsync();
        await ProduceFirstHalfAsync(sink, history);

        await StopCassandraAndProduceTheRestAsync(sink, history);
        sink.Cassandra.Restart();

        await sink.AssertEventuallyAsync(CassandraState.Expected(history.Users.Values, history.Orders.Values));
        AssertPinnedRows(sink, history);
        await WaitUntilAsync(() => SinkStatus(sink) == HealthStatus.Healthy);
    }

    [Fact]
    public async Task Cassandra_down_longer_than_max_poll_interval_keeps_the_sink_in_its_consumer_group()
    {
        // librdkafka requires max.poll.interval.ms >= session.timeout.ms; a consumer that does not call Consume for
        // that long leaves its group and has to rejoin (a new assignment) once it polls again.
        var maxPollInterval = TimeSpan.FromMilliseconds(kafka.SessionTimeoutMs + 1000);
        var history = ChangeHistory.Generate(seed: 8, steps: 80);
        await using var sink = await SinkHarness.CreateAsync(kafka);
        await sink.StartSinkAsync(new Dictionary<string, string?>
        {
            ["Aspire:Confluent:Kafka:Consumer:Config:max.poll.interval.ms"] = ((int)maxPollInterval.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        await ProduceFirstHalfAsync(sink, history);
        var ownership = sink.Services.GetRequiredService<PartitionOwnership>();
        var assignments = ownership.Assignments;

        await StopCassandraAndProduceTheRestAsync(sink, history);
        var stopped = Stopwatch.StartNew();
        await WaitUntilAsync(() => stopped.Elapsed > maxPollInterval * 2.5);
        sink.Cassandra.Restart();

        await sink.AssertEventuallyAsync(CassandraState.Expected(history.Users.Values, history.Orders.Values));
        AssertPinnedRows(sink, history);
        await WaitUntilAsync(() => SinkStatus(sink) == HealthStatus.Healthy);
        Assert.Equal(assignments, ownership.Assignments);
    }

    [Fact]
    public async Task Sink_stopped_while_cassandra_is_down_resumes_without_skipping_a_change()
    {
        var history = ChangeHistory.Generate(seed: 6, steps: 80);
        await using var sink = await SinkHarness.CreateAsync(kafka);
        await sink.StartSinkAsync();
        await ProduceFirstHalfAsync(sink, history);

        await StopCassandraAndProduceTheRestAsync(sink, history);
        await sink.StopSinkAsync();
        sink.Cassandra.Restart();
        await sink.StartSinkAsync();

        await sink.AssertEventuallyAsync(CassandraState.Expected(history.Users.Values, history.Orders.Values));
        AssertPinnedRows(sink, history);
    }

    /// <summary>Produces the first half of <paramref name="history"/> and waits until the sink has written some of it.</summary>
    private static async Task ProduceFirstHalfAsync(SinkHarness sink, ChangeHistory history)
    {
        await sink.ProduceAsync(history.Messages.Take(history.Messages.Count / 2));
        await WaitUntilAsync(() => sink.ReadState().Users.Count > 0);
    }

    /// <summary>Stops Cassandra, produces the rest of <paramref name="history"/> and waits until the sink reports unhealthy.</summary>
    private static async Task StopCassandraAndProduceTheRestAsync(SinkHarness sink, ChangeHistory history)
    {
        await sink.Cassandra.StopAsync();
        await sink.ProduceAsync(history.Messages.Skip(history.Messages.Count / 2));
        await WaitUntilAsync(() => SinkStatus(sink) == HealthStatus.Unhealthy);
    }

    /// <summary>
    /// The rows the history pins down: the straddling transaction's update wins over the snapshot read (it would lose
    /// if snapshot reads were not stamped below every streamed change), and the order moved A → B → A is listed under A only.
    /// </summary>
    private static void AssertPinnedRows(SinkHarness sink, ChangeHistory history)
    {
        var state = sink.ReadState();
        Assert.Equal(ChangeHistory.StraddlingName, state.Users.Single(u => u.Id == history.StraddlingUserId).Name);
        var listing = Assert.Single(state.OrdersByUser, l => l.OrderId == history.MovedOrderId);
        Assert.Equal(history.MoveUserA, listing.UserId);
        Assert.Equal(history.MoveUserA, state.Orders.Single(o => o.Id == history.MovedOrderId).UserId);
    }

    private static HealthStatus SinkStatus(SinkHarness sink)
    {
        var report = sink.Services.GetRequiredService<HealthCheckService>()
            .CheckHealthAsync(r => r.Name == "cassandra-sink", TestContext.Current.CancellationToken).GetAwaiter().GetResult();
        return report.Entries["cassandra-sink"].Status;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + SinkHarness.Timeout;
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.True(condition(), "the condition did not hold in time");
    }
}
