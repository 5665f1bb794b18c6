using CdcPipeline.AppHost.Local.Kafka;
using CdcPipeline.Tests.Infrastructure.Kafka;
using CdcPipeline.Tests.Infrastructure.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry.Trace;

namespace CdcPipeline.Tests.Consumer;

/// <summary>Every Kafka broker down mid-stream and back: the consumer survives and skips nothing.</summary>
public sealed class KafkaOutageTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Kafka_brokers_down_mid_stream_and_back_end_in_the_expected_rows()
    {
        using var cluster = new MockKafkaCluster(brokerCount: 3);
        using var client = new KafkaTestClient(cluster);
        var setup = await ConsumerTestSetup.CreateAsync(client, await postgres.CreateDatabaseAsync());
        var tables = new CdcTables(setup.DatabaseConnectionString);
        var scenario = Scenario.Generate(seed: 59, userEvents: 200, orderEvents: 300);
        var expected = await ConsumerDeliveryTests.ReferenceAsync(postgres, scenario);
        await using var consumer = await ConsumerHost.StartAsync(setup, new Dictionary<string, string?> { ["Consumer:BatchSize"] = "10" });

        await ConsumerDeliveryTests.ProduceAsync(setup, scenario.UserEvents);
        await tables.WaitUntilAsync(async () => await tables.ScalarAsync<long>("SELECT count(*) FROM users") > 0, "the first users");
        cluster.SetAllBrokersDown();
        await Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);
        cluster.SetAllBrokersUp();
        await ConsumerDeliveryTests.ProduceAsync(setup, scenario.OrderEvents);

        await tables.WaitUntilAsync(async () => (await tables.OrdersAsync()).SequenceEqual(expected.Orders), "every order after the brokers returned");
        Assert.Equal(expected.Users, await tables.UsersAsync());
        Assert.Empty(await client.ReadToEndAsync(setup.OrdersDeadLetterTopic, TimeSpan.FromSeconds(10)));
    }
}
