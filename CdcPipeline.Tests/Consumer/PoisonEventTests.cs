using CdcPipeline.ServiceDefaults.Kafka;
using CdcPipeline.Tests.Infrastructure.Kafka;
using CdcPipeline.Tests.Infrastructure.Postgres;
using CdcPipeline.Tests.Kafka;

namespace CdcPipeline.Tests.Consumer;

/// <summary>Events that cannot be applied go to the dead-letter topic with their reason; everything else is applied.</summary>
public sealed class PoisonEventTests(KafkaFixture kafka, PostgresFixture postgres) : IClassFixture<KafkaFixture>
{
    private const string RefusedName = "Refused By Database";

    [Fact]
    public async Task Poison_events_go_to_the_dead_letter_topic_with_their_reason_and_every_other_event_is_applied()
    {
        var setup = await ConsumerTestSetup.CreateAsync(kafka, await postgres.CreateDatabaseAsync());
        var tables = new CdcTables(setup.DatabaseConnectionString);
        // Stands for any value the schema refuses that the consumer does not check itself: the write of its batch
        // fails in PostgreSQL and the consumer must isolate that one event.
        await tables.ScalarAsync<int>($"ALTER TABLE users ADD CONSTRAINT test_refuses_a_name CHECK (name <> '{RefusedName}'); SELECT 1");
        var scenario = Scenario.Generate(seed: 5, userEvents: 24, orderEvents: 36);
        var expected = await ConsumerDeliveryTests.ReferenceAsync(postgres, scenario);
        var at = "2024-03-01T10:00:00+05:30";
        var id = Guid.NewGuid();
        var userPoison = new (string Value, string Reason)[]
        {
            ("""{"event_type":"CREATE","user_id":""", "malformed user event"),
            ($$"""{"event_type":"CREATE","name":"No Id","dob":"1990-01-01","created_at":"{{at}}"}""", "user_id"),
            ($$"""{"event_type":"CREATE","user_id":"not-a-uuid","name":"Bad Id","dob":"1990-01-01","created_at":"{{at}}"}""", "$.user_id"),
            ($$"""{"event_type":"UPSERT","user_id":"{{Guid.NewGuid()}}","name":"Odd Type","dob":"1990-01-01","created_at":"{{at}}"}""", "$.event_type"),
            ($$"""{"event_type":"CREATE","user_id":"{{Guid.NewGuid()}}","name":"{{new string('x', 51)}}","dob":"1990-01-01","created_at":"{{at}}"}""", "name is longer than 50 characters"),
            ($$"""{"event_type":"CREATE","user_id":"{{Guid.NewGuid()}}","name":"No Birthday","created_at":"{{at}}"}""", "dob is required"),
            ($$"""{"event_type":"UPDATE","user_id":"{{Guid.NewGuid()}}","name":"Nobody","modified_at":"{{at}}"}""", "does not exist"),
            ($$"""{"event_type":"CREATE","user_id":"{{Guid.NewGuid()}}","name":"{{RefusedName}}","dob":"1990-01-01","created_at":"{{at}}"}""", "rejected by PostgreSQL"),
            ($$"""{"event_type":"UPDATE","user_id":"{{Guid.NewGuid()}}","name":"\ud800 half a character","modified_at":"{{at}}"}""", "name"),
            (string.Empty, "empty message"),
        };
        var orderPoison = new (string Value, string Reason)[]
        {
            ("[1,2,3]", "malformed order event"),
            ($$"""{"event_type":"CREATE","order_id":"{{id}}","order_status":"LOST","user_id":"{{Guid.NewGuid()}}","quantity":1,"order_total":1,"placed_at":"{{at}}"}""", "$.order_status"),
            ($$"""{"event_type":"CREATE","order_id":"{{Guid.NewGuid()}}","order_status":"PLACED","user_id":"{{Guid.NewGuid()}}","quantity":0,"order_total":1,"placed_at":"{{at}}"}""", "quantity must be positive"),
            ($$"""{"event_type":"CREATE","order_id":"{{Guid.NewGuid()}}","order_status":"PLACED","user_id":"{{Guid.NewGuid()}}","quantity":2,"order_total":1000000000,"placed_at":"{{at}}"}""", "order_total must be between"),
            ($$"""{"event_type":"CREATE","order_id":"{{Guid.NewGuid()}}","order_status":"PLACED","user_id":"{{Guid.NewGuid()}}","quantity":2,"order_total":20.5,"placed_at":"{{at}}"}""", "did not arrive within"),
        };

        using var metrics = new ConsumerMetricsCapture(setup.UsersTopic, setup.OrdersTopic);
        using var userDeadLetters = new MetricCollector("cdc.kafka.messages.dead_lettered", setup.UsersTopic);
        using var orderDeadLetters = new MetricCollector("cdc.kafka.messages.dead_lettered", setup.OrdersTopic);
        await using var consumer = await ConsumerHost.StartAsync(setup, new Dictionary<string, string?>
        {
            ["Consumer:MissingUserRetryBudget"] = "00:00:01",
        });
        await ProduceMixedAsync(setup, setup.UsersTopic, scenario.UserEvents, userPoison);
        await tables.WaitUntilAsync(async () => (await tables.UsersAsync()).SequenceEqual(expected.Users), "every valid user event");
        await ProduceMixedAsync(setup, setup.OrdersTopic, scenario.OrderEvents, orderPoison);
        await tables.WaitUntilAsync(async () => (await tables.OrdersAsync()).SequenceEqual(expected.Orders), "every valid order event");

        await AssertDeadLettersAsync(setup, setup.UsersTopic, setup.UsersDeadLetterTopic, userPoison);
        await AssertDeadLettersAsync(setup, setup.OrdersTopic, setup.OrdersDeadLetterTopic, orderPoison);
        Assert.Equal(expected.Users, await tables.UsersAsync());
        Assert.Equal(scenario.UserEvents.Count, metrics.Sum("cdc.consumer.events.applied", setup.UsersTopic));
        Assert.Equal(scenario.OrderEvents.Count, metrics.Sum("cdc.consumer.events.applied", setup.OrdersTopic));
        Assert.Equal(userPoison.Length, userDeadLetters.Sum);
        Assert.Equal(orderPoison.Length, orderDeadLetters.Sum);
        Assert.All(userDeadLetters.Measurements.Concat(orderDeadLetters.Measurements),
            measurement => Assert.Equal("CdcPipeline.Consumer", measurement.Tags["cdc.service"]));
        Assert.Equal(
            new Dictionary<string, long> { ["invalid"] = 8, ["missing-row"] = 1, ["rejected"] = 1 },
            KindCounts(userDeadLetters));
        Assert.Equal(new Dictionary<string, long> { ["invalid"] = 4, ["missing-user"] = 1 }, KindCounts(orderDeadLetters));
        Assert.Equal(scenario.UserEvents.Count + userPoison.Length, metrics.Sum("cdc.consumer.batch.size", setup.UsersTopic));
    }

    private static Dictionary<string, long> KindCounts(MetricCollector deadLetters) =>
        deadLetters.Measurements
            .GroupBy(measurement => (string)measurement.Tags["cdc.dead_letter.kind"]!)
            .ToDictionary(group => group.Key, group => group.Sum(measurement => measurement.Value));

    /// <summary>The valid stream with one poison event after every few valid ones.</summary>
    private static async Task ProduceMixedAsync(
        ConsumerTestSetup setup, string topic, IReadOnlyList<WireEvent> valid, IReadOnlyList<(string Value, string Reason)> poison)
    {
        var every = Math.Max(1, valid.Count / poison.Count);
        var next = 0;
        for (var i = 0; i < valid.Count; i++)
        {
            await setup.Kafka.ProduceAsync(topic, valid[i].Key, valid[i].Json);
            if (i % every == every - 1 && next < poison.Count)
            {
                await ProducePoisonAsync(setup, topic, poison[next++].Value);
            }
        }

        while (next < poison.Count)
        {
            await ProducePoisonAsync(setup, topic, poison[next++].Value);
        }
    }

    private static Task ProducePoisonAsync(ConsumerTestSetup setup, string topic, string value) =>
        value.Length == 0
            ? setup.Kafka.ProduceRawAsync(topic, "poison"u8.ToArray(), null)
            : setup.Kafka.ProduceAsync(topic, "poison", value);

    private static async Task AssertDeadLettersAsync(
        ConsumerTestSetup setup, string topic, string deadLetterTopic, IReadOnlyList<(string Value, string Reason)> poison)
    {
        await setup.Kafka.ConsumeAllAsync(deadLetterTopic, poison.Count, TimeSpan.FromSeconds(60));
        var letters = await setup.Kafka.ReadToEndAsync(deadLetterTopic, TimeSpan.FromSeconds(30));

        Assert.Equal(
            poison.Select(p => p.Value).Order(StringComparer.Ordinal),
            letters.Select(letter => letter.ValueString ?? string.Empty).Order(StringComparer.Ordinal));
        foreach (var (value, reason) in poison)
        {
            var letter = letters.Single(l => (l.ValueString ?? string.Empty) == value);
            Assert.Contains(reason, letter.Header(KafkaDeadLetterHeaders.Reason), StringComparison.Ordinal);
            Assert.Equal(topic, letter.Header(KafkaDeadLetterHeaders.OriginTopic));
            Assert.NotNull(letter.Header(KafkaDeadLetterHeaders.OriginOffset));
            Assert.Equal("poison", letter.KeyString);
        }
    }
}
