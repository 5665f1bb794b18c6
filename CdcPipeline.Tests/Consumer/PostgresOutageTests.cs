using CdcPipeline.Tests.Infrastructure.Kafka;
using CdcPipeline.Tests.Infrastructure.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry.Trace;

namespace CdcPipeline.Tests.Consumer;

/// <summary>PostgreSQL stopped and started mid-stream: the consumer waits, reports unhealthy, resumes, skips nothing.</summary>
public sealed class PostgresOutageTests(KafkaFixture kafka, PostgresFixture postgres) : IClassFixture<KafkaFixture>
{
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
    public async Task Orders_waiting_for_users_through_an_outage_longer_than_their_budget_are_not_dead_lettered()
    {
        await using var cluster = await PostgresFixture.StartPrivateClusterAsync();
        Assert.SkipWhen(cluster is null, "No local PostgreSQL binaries: this test needs a server it may stop and start.");
        var setup = await ConsumerTestSetup.CreateAsync(kafka, await cluster.CreateDatabaseAsync());
        var tables = new CdcTables(setup.DatabaseConnectionString);
        var scenario = Scenario.Generate(seed: 53, userEvents: 30, orderEvents: 40);
        var expected = await ConsumerDeliveryTests.ReferenceAsync(postgres, scenario);
        using var metrics = new ConsumerMetricsCapture(setup.OrdersTopic);
        var budget = TimeSpan.FromSeconds(3);
        await using var consumer = await ConsumerHost.StartAsync(setup, new Dictionary<string, string?>
        {
            ["Consumer:MissingUserRetryBudget"] = budget.ToString(),
        });
        var health = consumer.Services.GetRequiredService<HealthCheckService>();

        await ConsumerDeliveryTests.ProduceAsync(setup, scenario.OrderEvents);
        await tables.WaitUntilAsync(
            () => Task.FromResult(metrics.Sum("cdc.consumer.events.awaiting_user", setup.OrdersTopic) > 0), "orders waiting for their users");
        await cluster.StopAsync();
        await ConsumerDeliveryTests.ProduceAsync(setup, scenario.UserEvents);
        await WaitForHealthAsync(health, HealthStatus.Unhealthy);
        await Task.Delay(budget * 2, TestContext.Current.CancellationToken);
        await cluster.StartAsync();

        await tables.WaitUntilAsync(async () => (await tables.OrdersAsync()).SequenceEqual(expected.Orders), "every order after the restart");
        Assert.Equal(expected.Users, await tables.UsersAsync());
        Assert.Empty(await setup.Kafka.ReadToEndAsync(setup.OrdersDeadLetterTopic, TimeSpan.FromSeconds(10)));
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
