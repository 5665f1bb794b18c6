using System.Text;
using CdcPipeline.Producer.Generation;
using CdcPipeline.Tests.Infrastructure.Kafka;
using CdcPipeline.Tests.Infrastructure.Postgres;
using CdcPipeline.Tests.Producer;

namespace CdcPipeline.Tests.Consumer;

/// <summary>The first half of the pipeline end to end: our Producer's run of the original, then our Consumer.</summary>
public sealed class OriginalRunTests(KafkaFixture kafka, PostgresFixture postgres) : IClassFixture<KafkaFixture>
{
    private const int Seed = 42;
    private static readonly DateTimeOffset Now = new(2024, 3, 1, 10, 15, 30, TimeSpan.Zero);

    [Fact]
    public async Task The_originals_run_ends_in_the_rows_the_originals_SQL_would_produce()
    {
        var producerSettings = new ProducerSettings(kafka.BootstrapServers).With("Producer:Seed", Seed.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var setup = new ConsumerTestSetup(
            kafka.Client, await postgres.CreateDatabaseAsync(), producerSettings.UsersTopic, producerSettings.OrdersTopic, KafkaFixture.UniqueTopic("cdc-consumer"));
        await kafka.CreateTopicAsync(setup.UsersTopic, ConsumerTestSetup.UserPartitions);
        await kafka.CreateTopicAsync(setup.OrdersTopic, ConsumerTestSetup.OrderPartitions);
        await kafka.CreateTopicAsync(setup.UsersDeadLetterTopic, 1);
        await kafka.CreateTopicAsync(setup.OrdersDeadLetterTopic, 1);

        await using (var producer = ProducerHost.Create(producerSettings.Values, new FixedTimeProvider(Now)))
        {
            Assert.Equal(0, await producer.RunToEndAsync(TimeSpan.FromMinutes(2)));
        }

        await ConsumerDeliveryTests.RunUntilIdleAsync(setup);

        // The same seed and clock give the same 7 user and 10 order events; the original applied them one by one.
        var generator = new EventGenerator(Seed, new FixedTimeProvider(Now));
        var users = Enumerable.Range(0, 7).Select(_ => generator.NextUserEvent()).ToList();
        var orders = Enumerable.Range(0, 10).Select(_ => generator.NextOrderEvent()).ToList();
        var expected = await ConsumerDeliveryTests.ReferenceAsync(
            postgres,
            users.Concat(orders).Select(e => new WireEvent(e.Kind == EntityKind.User, e.Key, Encoding.UTF8.GetString(e.Json))));
        var tables = new CdcTables(setup.DatabaseConnectionString);
        Assert.Equal(expected.Users, await tables.UsersAsync());
        Assert.Equal(expected.Orders, await tables.OrdersAsync());
        Assert.Equal(users.Count(e => e.Type == CdcPipeline.Events.EventType.Create), expected.Users.Count);
        Assert.Equal(orders.Count(e => e.Type == CdcPipeline.Events.EventType.Create), expected.Orders.Count);
        Assert.Empty(await kafka.ReadToEndAsync(setup.UsersDeadLetterTopic, TimeSpan.FromSeconds(10)));
        Assert.Empty(await kafka.ReadToEndAsync(setup.OrdersDeadLetterTopic, TimeSpan.FromSeconds(10)));
    }
}
