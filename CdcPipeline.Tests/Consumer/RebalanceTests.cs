using CdcPipeline.Tests.Infrastructure.Kafka;
using CdcPipeline.Tests.Infrastructure.Postgres;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry.Trace;

namespace CdcPipeline.Tests.Consumer;

/// <summary>Partitions moving between consumers: revoked partitions are drained (and committed) before they go, and nothing is lost.</summary>
public sealed class RebalanceTests(KafkaFixture kafka, PostgresFixture postgres) : IClassFixture<KafkaFixture>
{
    [Fact]
    public async Task A_second_consumer_joining_mid_stream_takes_over_partitions_and_every_event_is_applied()
    {
        var setup = await ConsumerTestSetup.CreateAsync(kafka, await postgres.CreateDatabaseAsync());
        var tables = new CdcTables(setup.DatabaseConnectionString);
        var scenario = Scenario.Generate(seed: 71, userEvents: 800, orderEvents: 1200);
        var expected = await ConsumerDeliveryTests.ReferenceAsync(postgres, scenario);
        var settings = new Dictionary<string, string?> { ["Consumer:BatchSize"] = "10" };
        var spans = new List<System.Diagnostics.Activity>();
        var events = scenario.UserEvents.Concat(scenario.OrderEvents).ToList();

        await using (var first = await ConsumerHost.StartAsync(
            setup, settings, services => services.AddOpenTelemetry().WithTracing(tracing => tracing.AddInMemoryExporter(spans))))
        {
            var producing = ProduceSlowlyAsync(setup, events);
            await tables.WaitUntilAsync(async () => await tables.ScalarAsync<long>("SELECT count(*) FROM users") > 0, "the first consumer at work");
            await using (var second = await ConsumerHost.StartAsync(setup, settings))
            {
                using var secondApplied = new HostMeterSum(second.Services.GetRequiredService<IMeterFactory>(), "cdc.consumer.events.applied");
                await producing;
                await tables.WaitUntilAsync(async () => (await tables.OrdersAsync()).SequenceEqual(expected.Orders), "every order");
                // The second consumer really took partitions over and applied events of its own.
                Assert.True(secondApplied.Sum > 0, "The second consumer applied no event: it never got partitions.");
            }
        }

        Assert.Equal(expected.Users, await tables.UsersAsync());
        var processed = spans.Where(span => span.DisplayName == $"process {setup.UsersTopic}" || span.DisplayName == $"process {setup.OrdersTopic}")
            .Select(span => $"{span.GetTagItem("messaging.destination.name")}/{span.GetTagItem("messaging.destination.partition.id")}/{span.GetTagItem("messaging.kafka.offset")}")
            .ToList();
        // Every event was processed by one consumer or the other. (Kafka does not promise "at most once" across a
        // rebalance: a commit the coordinator refuses while the group rebalances means a redelivery, which the
        // idempotent writes absorb, as the rows above show.)
        Assert.Equal(events.Count, processed.Distinct().Count());
    }

    /// <summary>Sums one instrument of meter <c>CdcPipeline.Consumer</c> of one host only (its meters are scoped to its meter factory).</summary>
    private sealed class HostMeterSum : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _sum;

        public HostMeterSum(IMeterFactory factory, string instrumentName)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "CdcPipeline.Consumer" && ReferenceEquals(instrument.Meter.Scope, factory) && instrument.Name == instrumentName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _sum, value));
            _listener.Start();
        }

        public long Sum => Interlocked.Read(ref _sum);

        public void Dispose() => _listener.Dispose();
    }

    private static async Task ProduceSlowlyAsync(ConsumerTestSetup setup, IReadOnlyList<WireEvent> events)
    {
        foreach (var chunk in events.Chunk(50))
        {
            await ConsumerDeliveryTests.ProduceAsync(setup, chunk);
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }
}
