using System.Text.Json;
using CdcPipeline.AppHost.Local.Kafka;
using CdcPipeline.Tests.Infrastructure.Kafka;

namespace CdcPipeline.Tests.Producer;

/// <summary>
/// Users and orders are separate topics whose partitions have leaders of their own: a broker that holds the users back
/// must not let the orders that name them reach Kafka first (the Consumer would wait for users that are still on
/// their way, and give up on them after its budget).
/// </summary>
public sealed class CrossTopicOrderTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 21, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task An_order_is_sent_only_after_its_user_is_in_Kafka_while_the_users_broker_is_down()
    {
        using var cluster = new MockKafkaCluster(brokerCount: 3);
        using var kafka = new KafkaTestClient(cluster);
        var settings = new ProducerSettings(cluster.BootstrapServers).With("Producer:Seed", "42");
        await kafka.CreateTopicAsync(settings.UsersTopic, partitions: 3);
        await kafka.CreateTopicAsync(settings.OrdersTopic, partitions: 5);
        for (var partition = 0; partition < 3; partition++)
        {
            cluster.SetPartitionLeader(settings.UsersTopic, partition, brokerId: 1);
        }

        for (var partition = 0; partition < 5; partition++)
        {
            cluster.SetPartitionLeader(settings.OrdersTopic, partition, brokerId: 2);
        }

        cluster.SetBrokerDown(1);
        await using var producer = ProducerHost.Create(settings.Values, new FixedTimeProvider(Now));
        producer.Start();
        await WaitUntilAsync(() => producer.Progress.Produced >= 7, "the 7 user events handed to the client");

        // Time enough for a Producer without the rule to send the orders past their users; the outcome below holds however long it is.
        await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        var usersBrokerUp = TruncatedToMilliseconds(DateTime.UtcNow);
        cluster.SetBrokerUp(1);
        var exitCode = await producer.WaitToEndAsync(Timeout);

        Assert.Equal(0, exitCode);
        var users = await kafka.ConsumeAllAsync(settings.UsersTopic, expectedCount: 7, Timeout);
        var orders = await kafka.ConsumeAllAsync(settings.OrdersTopic, expectedCount: 10, Timeout);
        var userIds = users.Select(record => Field(record, "user_id")).ToHashSet();
        var creates = orders.Where(record => Field(record, "event_type") == "CREATE").ToList();
        Assert.NotEmpty(creates);
        Assert.All(creates, create =>
        {
            Assert.Contains(Field(create, "user_id"), userIds);
            Assert.True(
                create.TimestampUtc >= usersBrokerUp,
                $"order {create.KeyString} was handed to Kafka at {create.TimestampUtc:O}, before its user could be (broker up at {usersBrokerUp:O})");
        });
    }

    [Fact]
    public async Task While_the_orders_broker_is_down_user_events_go_on_and_a_user_is_deleted_only_after_its_orders()
    {
        using var cluster = new MockKafkaCluster(brokerCount: 3);
        using var kafka = new KafkaTestClient(cluster);
        var settings = new ProducerSettings(cluster.BootstrapServers)
            .With("Producer:Seed", "42")
            .With("Producer:Mode", "continuous")
            .With("Producer:EventsPerSecond", "500");
        await kafka.CreateTopicAsync(settings.UsersTopic, partitions: 3);
        await kafka.CreateTopicAsync(settings.OrdersTopic, partitions: 5);
        for (var partition = 0; partition < 3; partition++)
        {
            cluster.SetPartitionLeader(settings.UsersTopic, partition, brokerId: 1);
        }

        for (var partition = 0; partition < 5; partition++)
        {
            cluster.SetPartitionLeader(settings.OrdersTopic, partition, brokerId: 2);
        }

        cluster.SetBrokerDown(2);
        await using var producer = ProducerHost.Create(settings.Values);
        producer.Start();

        // Only user events can be acknowledged while the orders' broker is down; a user's DELETE waits for its orders.
        await WaitUntilAsync(() => producer.Progress.Delivered >= 300, "300 user events acknowledged while the orders' broker is down");
        var ordersBrokerUp = TruncatedToMilliseconds(DateTime.UtcNow);
        cluster.SetBrokerUp(2);
        var exitCode = await producer.StopAsync();

        Assert.Equal(0, exitCode);
        var users = await kafka.ReadToEndAsync(settings.UsersTopic, Timeout);
        var orders = await kafka.ReadToEndAsync(settings.OrdersTopic, Timeout);
        Assert.Equal(producer.Outcome.Summary!.Delivered, users.Count + orders.Count);
        var ordersOfUser = orders.Where(r => Field(r, "event_type") == "CREATE").ToLookup(r => Field(r, "user_id"), r => r.KeyString);
        var latestOrderEvent = orders.GroupBy(r => r.KeyString).ToDictionary(g => g.Key!, g => g.Max(r => r.TimestampUtc));
        var deletes = users.Where(r => Field(r, "event_type") == "DELETE").ToList();
        Assert.All(deletes, delete => Assert.All(ordersOfUser[delete.KeyString], order => Assert.True(
            latestOrderEvent[order!] <= delete.TimestampUtc,
            $"user {delete.KeyString} was deleted at {delete.TimestampUtc:O}, before its order {order} was sent ({latestOrderEvent[order!]:O})")));
        Assert.Contains(deletes, delete => ordersOfUser[delete.KeyString].Any() && delete.TimestampUtc >= ordersBrokerUp);
    }

    private static string? Field(KafkaRecord record, string name)
    {
        using var json = JsonDocument.Parse(record.Value!);
        return json.RootElement.TryGetProperty(name, out var value) ? value.GetString() : null;
    }

    private static DateTime TruncatedToMilliseconds(DateTime time) => new(time.Ticks - (time.Ticks % TimeSpan.TicksPerMillisecond), DateTimeKind.Utc);

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Not reached within {Timeout}: {what}");
            await Task.Delay(TimeSpan.FromMilliseconds(50), TestContext.Current.CancellationToken);
        }
    }
}
