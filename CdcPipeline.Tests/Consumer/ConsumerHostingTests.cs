using System.Diagnostics;
using CdcPipeline.Tests.Infrastructure.Kafka;
using CdcPipeline.Tests.Infrastructure.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Trace;

namespace CdcPipeline.Tests.Consumer;

/// <summary>How the Consumer runs: its settings, its idle exit, its traces.</summary>
public sealed class ConsumerHostingTests(KafkaFixture kafka, PostgresFixture postgres) : IClassFixture<KafkaFixture>
{
    [Fact]
    public async Task IdleTimeout_ends_the_consumer_once_it_has_caught_up()
    {
        var setup = await ConsumerTestSetup.CreateAsync(kafka, await postgres.CreateDatabaseAsync());
        var tables = new CdcTables(setup.DatabaseConnectionString);
        var scenario = Scenario.Generate(seed: 3, userEvents: 10, orderEvents: 10);
        var expected = await ConsumerDeliveryTests.ReferenceAsync(postgres, scenario);
        await ConsumerDeliveryTests.ProduceAsync(setup, scenario.All);

        await using var consumer = await ConsumerHost.StartAsync(setup, new Dictionary<string, string?> { ["Consumer:IdleTimeout"] = "00:00:01" });
        await consumer.Completion.WaitAsync(TimeSpan.FromSeconds(90), TestContext.Current.CancellationToken);

        Assert.Equal(expected.Users, await tables.UsersAsync());
        Assert.Equal(expected.Orders, await tables.OrdersAsync());
    }

    [Fact]
    public async Task Graceful_stop_commits_what_was_applied_so_a_restart_redelivers_nothing()
    {
        var setup = await ConsumerTestSetup.CreateAsync(kafka, await postgres.CreateDatabaseAsync());
        var tables = new CdcTables(setup.DatabaseConnectionString);
        var scenario = Scenario.Generate(seed: 13, userEvents: 40, orderEvents: 40);
        var expected = await ConsumerDeliveryTests.ReferenceAsync(postgres, scenario);
        await ConsumerDeliveryTests.ProduceAsync(setup, scenario.All);
        // No periodic commit: only the stop itself (commit, then Close) can save the offsets.
        var commitOnlyOnStop = new Dictionary<string, string?> { ["Aspire:Confluent:Kafka:Consumer:Config:auto.commit.interval.ms"] = "600000" };

        await using (var first = await ConsumerHost.StartAsync(setup, commitOnlyOnStop))
        {
            await tables.WaitUntilAsync(async () => (await tables.OrdersAsync()).SequenceEqual(expected.Orders), "every event");
            await first.StopAsync();
        }

        Assert.Equal(await setup.HighWatermarksAsync(), await setup.CommittedOffsetsAsync());

        var spans = new List<Activity>();
        var settings = new Dictionary<string, string?>(commitOnlyOnStop) { ["Consumer:IdleTimeout"] = "00:00:01" };
        await using (var second = await ConsumerHost.StartAsync(
            setup, settings, services => services.AddOpenTelemetry().WithTracing(tracing => tracing.AddInMemoryExporter(spans))))
        {
            await second.Completion.WaitAsync(TimeSpan.FromSeconds(90), TestContext.Current.CancellationToken);
        }

        // The idle exit waits for every partition's end, so the second consumer did read up to the end: nothing came.
        lock (spans)
        {
            Assert.DoesNotContain(spans, span => span.DisplayName == $"process {setup.UsersTopic}" || span.DisplayName == $"process {setup.OrdersTopic}");
        }

        Assert.Equal(await setup.HighWatermarksAsync(), await setup.CommittedOffsetsAsync());

        Assert.Equal(expected.Users, await tables.UsersAsync());
    }

    [Fact]
    public async Task Stopping_while_orders_wait_for_their_users_dead_letters_none_and_redelivers_them()
    {
        var setup = await ConsumerTestSetup.CreateAsync(kafka, await postgres.CreateDatabaseAsync());
        var tables = new CdcTables(setup.DatabaseConnectionString);
        var scenario = Scenario.Generate(seed: 31, userEvents: 20, orderEvents: 30);
        var expected = await ConsumerDeliveryTests.ReferenceAsync(postgres, scenario);
        using var metrics = new ConsumerMetricsCapture(setup.OrdersTopic);
        var longBudget = new Dictionary<string, string?> { ["Consumer:MissingUserRetryBudget"] = "00:10:00" };

        await ConsumerDeliveryTests.ProduceAsync(setup, scenario.OrderEvents);
        await using (var first = await ConsumerHost.StartAsync(setup, longBudget))
        {
            await tables.WaitUntilAsync(
                () => Task.FromResult(metrics.Sum("cdc.consumer.events.awaiting_user", setup.OrdersTopic) > 0), "orders waiting for their users");
            // The stop ends the wait itself: it does not run into the host's 30 s shutdown timeout (which would abort).
            await first.StopAsync().WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);
        }

        Assert.Empty(await setup.Kafka.ReadToEndAsync(setup.OrdersDeadLetterTopic, TimeSpan.FromSeconds(10)));
        Assert.Equal(0L, await tables.ScalarAsync<long>("SELECT count(*) FROM orders"));

        await ConsumerDeliveryTests.ProduceAsync(setup, scenario.UserEvents);
        await using var second = await ConsumerHost.StartAsync(setup, longBudget);
        await tables.WaitUntilAsync(async () => (await tables.OrdersAsync()).SequenceEqual(expected.Orders), "every order after the restart");
        Assert.Empty(await setup.Kafka.ReadToEndAsync(setup.OrdersDeadLetterTopic, TimeSpan.FromSeconds(10)));
    }

    [Theory]
    [InlineData("Consumer:BatchSize", "0")]
    [InlineData("Consumer:BatchTimeout", "00:00:00")]
    [InlineData("Consumer:IdleTimeout", "-00:00:01")]
    [InlineData("Consumer:Topics:Orders", "")]
    [InlineData("Consumer:MaxParkedPerPartition", "0")]
    [InlineData("Consumer:MaxConcurrentTransactions", "0")]
    [InlineData("Consumer:MissingUserRetryMaxDelay", "00:00:00.001")]
    public async Task A_wrong_setting_stops_the_start_with_a_message_naming_it(string setting, string value)
    {
        var setup = new ConsumerTestSetup(kafka.Client, "Host=127.0.0.1;Database=unused", "users", "orders", "group");
        await using var app = ConsumerHost.Build(setup, new Dictionary<string, string?> { [setting] = value });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains(setting, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_process_span_and_the_PostgreSQL_command_continue_the_producers_trace()
    {
        var setup = await ConsumerTestSetup.CreateAsync(kafka, await postgres.CreateDatabaseAsync());
        var tables = new CdcTables(setup.DatabaseConnectionString);
        var spans = new List<Activity>();
        var producerTrace = ActivityTraceId.CreateRandom();
        var producerSpan = ActivitySpanId.CreateRandom();
        var user = Guid.NewGuid();
        await using var consumer = await ConsumerHost.StartAsync(
            setup, configureServices: services => services.AddOpenTelemetry().WithTracing(tracing => tracing.AddInMemoryExporter(spans)));

        await setup.Kafka.ProduceAsync(
            setup.UsersTopic, user.ToString(), GoJson.UserCreate(user, "Traced", new DateOnly(1990, 1, 1), DateTimeOffset.UtcNow),
            [new("traceparent", $"00-{producerTrace}-{producerSpan}-01")]);
        await tables.WaitUntilAsync(async () => await tables.ScalarAsync<long>("SELECT count(*) FROM users") == 1, "the traced user");

        Activity[] inTrace = [];
        await tables.WaitUntilAsync(
            () =>
            {
                lock (spans)
                {
                    inTrace = spans.Where(span => span.TraceId == producerTrace).ToArray();
                }

                return Task.FromResult(inTrace.Any(span => span.Source.Name == "Npgsql"));
            },
            "a PostgreSQL span in the producer's trace");
        var process = Assert.Single(inTrace, span => span.DisplayName == $"process {setup.UsersTopic}");
        Assert.Equal(producerSpan, process.ParentSpanId);
        Assert.Equal(ActivityKind.Consumer, process.Kind);
        Assert.Contains(inTrace, span => span.Source.Name == "Npgsql");
        Assert.Contains(inTrace, span => span.DisplayName == $"apply {setup.UsersTopic}" && span.ParentSpanId == process.SpanId);
    }
}
