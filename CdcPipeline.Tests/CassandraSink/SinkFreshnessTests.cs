using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using CdcPipeline.Tests.Infrastructure;
using CdcPipeline.Tests.Infrastructure.Kafka;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace CdcPipeline.Tests.CassandraSink;

/// <summary><c>cdc.pipeline.freshness</c>: from the Producer's event, by the time in the row, until Cassandra has the change.</summary>
public sealed class SinkFreshnessTests(KafkaFixture kafka) : IClassFixture<KafkaFixture>
{
    [Fact]
    public async Task Freshness_is_recorded_for_creates_and_updates_of_the_producer_not_for_snapshots_deletes_or_the_cascade()
    {
        // Every event time is a whole number of hours before now: other tests' events are from 2024 or undated.
        var now = DateTimeOffset.UtcNow;
        DateTimeOffset HoursAgo(int hours) => now.AddHours(-hours);
        var user = new UserState(Guid.NewGuid(), "Frances", new DateOnly(1932, 8, 11), HoursAgo(1), null, false);
        var renamed = user with { Name = "Fran", ModifiedAt = HoursAgo(2) };
        var order = new OrderState(Guid.NewGuid(), "PLACED", user.Id, 3, 29.97m, HoursAgo(3), null, false);
        var shipped = order with { Status = "SHIPPED", ModifiedAt = HoursAgo(4) };
        var cascaded = shipped with { IsDeleted = true };
        var snapshotted = new UserState(Guid.NewGuid(), "Barbara", new DateOnly(1939, 11, 3), HoursAgo(5), HoursAgo(6), false);
        List<ChangeMessage> messages =
        [
            new("users", snapshotted.Id, ChangeEventBuilder.User('r', null, snapshotted, 50, snapshot: "true")),
            new("users", user.Id, ChangeEventBuilder.User('c', null, user, 100)),
            new("users", user.Id, ChangeEventBuilder.User('u', user, renamed, 110)),
            new("orders", order.Id, ChangeEventBuilder.Order('c', null, order, 120)),
            new("orders", order.Id, ChangeEventBuilder.Order('u', order, shipped, 130)),
            new("orders", order.Id, ChangeEventBuilder.Order('u', shipped, cascaded, 140)),
            new("users", snapshotted.Id, ChangeEventBuilder.User('d', snapshotted, null, 150)),
        ];
        var freshness = new ConcurrentQueue<(double Seconds, object? Table)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "CdcPipeline.CassandraSink" && instrument.Name == "cdc.pipeline.freshness")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
            freshness.Enqueue((value, tags.ToArray().SingleOrDefault(tag => tag.Key == "db.collection.name").Value)));
        listener.Start();
        var spans = new ExportedSpans();
        await using var sink = await SinkHarness.CreateAsync(kafka);
        await sink.StartSinkAsync(configureServices: services =>
            services.AddOpenTelemetry().WithTracing(tracing => tracing.AddSource("CdcPipeline.*").AddInMemoryExporter(spans)));

        await sink.ProduceAsync(messages);

        await sink.AssertEventuallyAsync(CassandraState.Expected([renamed], [cascaded]));
        // A message's process span ends after its freshness was (or was not) recorded.
        await SinkHarness.WaitUntilAsync(
            () => spans.Snapshot().Count(span => span.DisplayName == $"process {sink.UsersTopic}" || span.DisplayName == $"process {sink.OrdersTopic}")
                == messages.Count,
            "every change's process span");
        var elapsed = DateTimeOffset.UtcNow - now;
        var recorded = freshness.ToArray();
        double[] At(int hours, string table) => recorded
            .Where(m => Equals(m.Table, table) && m.Seconds >= (hours * 3600) - 0.01 && m.Seconds <= (hours * 3600) + elapsed.TotalSeconds + 0.01)
            .Select(m => m.Seconds)
            .ToArray();
        Assert.Single(At(1, "public.users"));
        Assert.Single(At(2, "public.users"));
        Assert.Single(At(3, "public.orders"));
        Assert.Single(At(4, "public.orders"));
        Assert.Empty(At(5, "public.users"));
        Assert.Empty(At(6, "public.users"));
    }
}
