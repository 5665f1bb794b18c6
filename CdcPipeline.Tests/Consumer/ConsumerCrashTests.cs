using CdcPipeline.Tests.Infrastructure;
using CdcPipeline.Tests.Infrastructure.Kafka;
using CdcPipeline.Tests.Infrastructure.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry.Trace;

namespace CdcPipeline.Tests.Consumer;

/// <summary>A consumer killed without any clean shutdown and restarted: nothing lost, nothing doubled.</summary>
public sealed class ConsumerCrashTests(KafkaFixture kafka, PostgresFixture postgres) : IClassFixture<KafkaFixture>
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

        using (var first = ServiceProcess.Consumer(setup.EnvironmentVariables(slow)))
        {
            await tables.WaitUntilAsync(
                async () => await tables.ScalarAsync<long>("SELECT count(*) FROM users") + await tables.ScalarAsync<long>("SELECT count(*) FROM orders") >= 200,
                "the first consumer to be mid-stream");
            first.Kill();
        }

        var applied = await tables.ScalarAsync<long>("SELECT count(*) FROM orders");
        Assert.True(applied < expected.Orders.Count, $"The consumer was killed after the stream ended ({applied} orders): nothing was mid-stream.");

        using var second = ServiceProcess.Consumer(setup.EnvironmentVariables(new Dictionary<string, string?> { ["Consumer:IdleTimeout"] = "00:00:03" }));
        var exitCode = await second.WaitForExitAsync(TimeSpan.FromSeconds(150));

        Assert.True(exitCode == 0, $"The restarted consumer exited with {exitCode}:\n{second.Output}");
        Assert.Equal(expected.Users, await tables.UsersAsync());
        Assert.Equal(expected.Orders, await tables.OrdersAsync());
        Assert.Empty(await setup.Kafka.ReadToEndAsync(setup.UsersDeadLetterTopic, TimeSpan.FromSeconds(10)));
        Assert.Empty(await setup.Kafka.ReadToEndAsync(setup.OrdersDeadLetterTopic, TimeSpan.FromSeconds(10)));
    }
}
