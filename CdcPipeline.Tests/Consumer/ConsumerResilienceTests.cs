using CdcPipeline.Tests.Infrastructure.Kafka;
using CdcPipeline.Tests.Infrastructure.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry.Trace;

namespace CdcPipeline.Tests.Consumer;

/// <summary>Whatever stops in the middle, the final tables hold every event once: nothing lost, nothing doubled.</summary>
public sealed class ConsumerResilienceTests(KafkaFixture kafka, PostgresFixture postgres) : IClassFixture<KafkaFixture>
{
    [Fact]
    public async Task Consumer_killed_mid_stream_and_restarted_ends_in_the_expected_rows()
    {
        var setup = await ConsumerTestSetup.CreateAsync(kafka, await postgres.CreateDatabaseAsync());
        var tables = new CdcTables(setup.DatabaseConnectionString);
        var scenario = Scenario.Generate(seed: 31, userEvents: 1500, orderEvents: 2500);
        var expected = await ConsumerDeliveryTests.ReferenceAsync(postgres, scenario);
        await ConsumerDeliveryTests.ProduceAsync(setup, scenario.All);
        var slow = new Dictionary<string, string?>
        {
            ["Consumer:BatchSize"] = "5",
            ["Aspire:Confluent:Kafka:Consumer:Config:auto.commit.interval.ms"] = "1000",
        };

        using (var first = ConsumerProcess.Start(setup.EnvironmentVariables(slow)))
        {
            await tables.WaitUntilAsync(
                async () => await tables.ScalarAsync<long>("SELECT count(*) FROM users") + await tables.ScalarAsync<long>("SELECT count(*) FROM orders") >= 200,
                "the first consumer to be mid-stream");
            first.Kill();
        }

        var applied = await tables.ScalarAsync<long>("SELECT count(*) FROM orders");
        Assert.True(applied < expected.Orders.Count, $"The consumer was killed after the stream ended ({applied} orders): nothing was mid-stream.");

        using var second = ConsumerProcess.Start(setup.EnvironmentVariables(new Dictionary<string, string?> { ["Consumer:IdleTimeout"] = "00:00:03" }));
        var exitCode = await second.WaitForExitAsync(TimeSpan.FromSeconds(150));

        Assert.True(exitCode == 0, $"The restarted consumer exited with {exitCode}:\n{second.Output}");
        Assert.Equal(expected.Users, await tables.UsersAsync());
        Assert.Equal(expected.Orders, await tables.OrdersAsync());
        Assert.Empty(await setup.Kafka.ReadToEndAsync(setup.UsersDeadLetterTopic, TimeSpan.FromSeconds(10)));
        Assert.Empty(await setup.Kafka.ReadToEndAsync(setup.OrdersDeadLetterTopic, TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task PostgreSQL_restarted_mid_stream_reports_unhealthy_then_resumes_without_losing_anything()
    {
        await using var cluster = await PostgresFixture.StartPrivateClusterAsync();
        Assert.SkipWhen(cluster is null, "No local PostgreSQL binaries: this test needs a server it may stop and start.");
        var setup = await ConsumerTestSetup.CreateAsync(kafka, await cluster.CreateDatabaseAsync());
        var tables = new CdcTables(setup.DatabaseConnectionString);
        var scenario = Scenario.Generate(seed: 47, userEvents: 300, orderEvents: 500);
        var expected = await ConsumerDeliveryTests.ReferenceAsync(postgres, scenario);
        // A small queue per partition: while PostgreSQL is down the workers fall behind and their partitions are paused.
        await using var consumer = await ConsumerHost.StartAsync(setup, new Dictionary<string, string?>
        {
            ["Consumer:BatchSize"] = "10",
            ["Consumer:MaxQueuedPerPartition"] = "20",
        });
        var health = consumer.Services.GetRequiredService<HealthCheckService>();

        await ConsumerDeliveryTests.ProduceAsync(setup, scenario.UserEvents);
        await tables.WaitUntilAsync(async () => await tables.ScalarAsync<long>("SELECT count(*) FROM users") > 0, "the first users");
        await cluster.StopAsync();
        await ConsumerDeliveryTests.ProduceAsync(setup, scenario.OrderEvents);
        await WaitForHealthAsync(health, HealthStatus.Unhealthy);
        await cluster.StartAsync();

        await tables.WaitUntilAsync(async () => (await tables.OrdersAsync()).SequenceEqual(expected.Orders), "every order after the restart");
        Assert.Equal(expected.Users, await tables.UsersAsync());
        await WaitForHealthAsync(health, HealthStatus.Healthy);
        Assert.Empty(await setup.Kafka.ReadToEndAsync(setup.OrdersDeadLetterTopic, TimeSpan.FromSeconds(10)));
    }

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

    [Fact]
    public async Task A_second_consumer_joining_mid_stream_takes_over_partitions_and_no_event_is_processed_twice()
    {
        var setup = await ConsumerTestSetup.CreateAsync(kafka, await postgres.CreateDatabaseAsync());
        var tables = new CdcTables(setup.DatabaseConnectionString);
        var scenario = Scenario.Generate(seed: 71, userEvents: 800, orderEvents: 1200);
        var expected = await ConsumerDeliveryTests.ReferenceAsync(postgres, scenario);
        // Offsets are committed only when partitions are revoked (and on stop), so a revoke that did not drain and
        // commit would show up as events processed twice.
        var settings = new Dictionary<string, string?>
        {
            ["Consumer:BatchSize"] = "10",
            ["Aspire:Confluent:Kafka:Consumer:Config:auto.commit.interval.ms"] = "600000",
        };
        var spans = new List<System.Diagnostics.Activity>();
        var events = scenario.UserEvents.Concat(scenario.OrderEvents).ToList();

        await using (var first = await ConsumerHost.StartAsync(
            setup, settings, services => services.AddOpenTelemetry().WithTracing(tracing => tracing.AddInMemoryExporter(spans))))
        {
            var producing = ProduceSlowlyAsync(setup, events);
            await tables.WaitUntilAsync(async () => await tables.ScalarAsync<long>("SELECT count(*) FROM users") > 0, "the first consumer at work");
            await using (var second = await ConsumerHost.StartAsync(setup, settings))
            {
                await producing;
                await tables.WaitUntilAsync(async () => (await tables.OrdersAsync()).SequenceEqual(expected.Orders), "every order");
            }
        }

        Assert.Equal(expected.Users, await tables.UsersAsync());
        var processed = spans.Where(span => span.DisplayName == $"process {setup.UsersTopic}" || span.DisplayName == $"process {setup.OrdersTopic}")
            .Select(span => $"{span.GetTagItem("messaging.destination.name")}/{span.GetTagItem("messaging.destination.partition.id")}/{span.GetTagItem("messaging.kafka.offset")}")
            .ToList();
        Assert.Equal(events.Count, processed.Distinct().Count());
        Assert.Equal(events.Count, processed.Count);
    }

    private static async Task ProduceSlowlyAsync(ConsumerTestSetup setup, IReadOnlyList<WireEvent> events)
    {
        foreach (var chunk in events.Chunk(50))
        {
            await ConsumerDeliveryTests.ProduceAsync(setup, chunk);
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    private static async Task WaitForHealthAsync(HealthCheckService health, HealthStatus status)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        HealthReport? report = null;
        while (DateTime.UtcNow < deadline)
        {
            report = await health.CheckHealthAsync(registration => registration.Name == "consumer", TestContext.Current.CancellationToken);
            if (report.Status == status)
            {
                return;
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        Assert.Fail($"The consumer health check never became {status} (last: {report?.Status}).");
    }
}
