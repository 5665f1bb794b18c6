using CdcPipeline.Tests.Infrastructure.Kafka;
using CdcPipeline.Tests.Infrastructure.Postgres;

namespace CdcPipeline.Tests.Capture;

/// <summary>The capture's meter counts what it published by table and operation, the snapshot's progress, and its latency and lag.</summary>
public sealed class CaptureMetricsTests(KafkaFixture kafka, PostgresFixture postgres) : IClassFixture<KafkaFixture>
{
    [Fact]
    public async Task Published_changes_snapshot_progress_latency_and_lag_are_measured()
    {
        await using var setup = await CaptureTestSetup.CreateAsync(postgres, kafka.Client);
        var id = Guid.NewGuid();
        await setup.ExecuteAsync($"INSERT INTO users (id, name, dob) VALUES ('{Guid.NewGuid()}', 'snapshot', '1990-01-01')");
        await using var host = await CaptureHost.StartAsync(setup, configureServices: null);
        using var metrics = new CaptureMetrics(host.Services);
        await kafka.ConsumeAllAsync(setup.UsersTopic, 1, CaptureWait.Deadline);

        await setup.ExecuteAsync($"INSERT INTO users (id, name, dob) VALUES ('{id}', 'new', '1990-01-01')");
        await setup.ExecuteAsync($"UPDATE users SET name = 'renamed' WHERE id = '{id}'");
        await setup.ExecuteAsync($"DELETE FROM users WHERE id = '{id}'");
        await CaptureWait.UntilAsync(
            () => Task.FromResult(metrics.Sum("cdc.capture.changes.published", ("cdc.table", "public.users"), ("cdc.operation", "d")) == 1),
            "the delete to be counted");

        Assert.Equal(1, metrics.Sum("cdc.capture.changes.published", ("cdc.table", "public.users"), ("cdc.operation", "c")));
        Assert.Equal(1, metrics.Sum("cdc.capture.changes.published", ("cdc.table", "public.users"), ("cdc.operation", "u")));
        Assert.True(metrics.Count("cdc.capture.commit.ack.duration") >= 3);
        Assert.NotNull(metrics.Latest("cdc.capture.replication.lag.bytes"));
        Assert.NotNull(metrics.Latest("cdc.capture.replication.lag.seconds"));
    }

    [Fact]
    public async Task The_snapshot_counts_its_rows_and_tables()
    {
        await using var setup = await CaptureTestSetup.CreateAsync(postgres, kafka.Client);
        await setup.ExecuteAsync("INSERT INTO users (id, name, dob) SELECT gen_random_uuid(), 'u' || i, '1990-01-01' FROM generate_series(1, 25) i");
        var app = CaptureHost.Build(setup);
        await using (app)
        {
            using var metrics = new CaptureMetrics(app.Services);
            await app.StartAsync(TestContext.Current.CancellationToken);
            await kafka.ConsumeAllAsync(setup.UsersTopic, 25, CaptureWait.Deadline);
            await CaptureWait.UntilAsync(() => Task.FromResult(metrics.Sum("cdc.capture.snapshot.tables") == 2), "both tables to be counted");

            Assert.Equal(25, metrics.Sum("cdc.capture.snapshot.rows", ("cdc.table", "public.users")));
            Assert.Equal(0, metrics.Sum("cdc.capture.snapshot.rows", ("cdc.table", "public.orders")));
            await CaptureWait.UntilAsync(
                () => Task.FromResult(metrics.Sum("cdc.capture.changes.published", ("cdc.table", "public.users"), ("cdc.operation", "r")) == 25),
                "the snapshot records to be counted as published");
        }
    }
}
