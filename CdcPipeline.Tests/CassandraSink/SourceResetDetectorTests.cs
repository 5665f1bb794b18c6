using System.Diagnostics.Metrics;
using CdcPipeline.CassandraSink;
using CdcPipeline.CassandraSink.Changes;
using CdcPipeline.CassandraSink.Consuming;
using CdcPipeline.CassandraSink.Options;
using CdcPipeline.CassandraSink.Telemetry;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CdcPipeline.Tests.CassandraSink;

public sealed class SourceResetDetectorTests : IDisposable
{
    private readonly string _topic = $"resets-{Guid.NewGuid():N}";
    private readonly SinkHealth _health = new();
    private readonly SourceResetDetector _detector;
    private readonly CounterProbe _resets;
    private readonly ServiceProvider _metrics = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public SourceResetDetectorTests()
    {
        _health.Healthy();
        _detector = new SourceResetDetector(
            _health, new SinkTelemetry(_metrics.GetRequiredService<IMeterFactory>()), Options.Create(new SinkOptions { SourceResetLsnThreshold = 1_000_000 }), NullLogger<SourceResetDetector>.Instance);
        _resets = new CounterProbe("cdc.sink.source.resets", "messaging.destination.name", _topic);
    }

    [Fact]
    public void Snapshot_read_after_streamed_changes_of_the_partition_degrades_health_and_counts_a_reset()
    {
        Observe(0, new SourcePosition(50_000_000, null, IsSnapshot: true));
        Observe(1, Streamed(50_001_000));
        Observe(2, Streamed(50_002_000));

        Observe(3, new SourcePosition(60_000_000, null, IsSnapshot: true));

        var health = Check();
        Assert.Equal(HealthStatus.Degraded, health.Status);
        Assert.Contains("snapshot read", health.Description, StringComparison.Ordinal);
        Assert.Contains("reset the consumer group", health.Description, StringComparison.Ordinal);
        Assert.Equal(1, _resets.Total);
    }

    [Fact]
    public void Commit_lsn_far_below_the_last_one_degrades_health()
    {
        Observe(10, Streamed(900_000_000));

        Observe(11, Streamed(5_000));

        var health = Check();
        Assert.Equal(HealthStatus.Degraded, health.Status);
        Assert.Contains("went back from 900000000 to 5000", health.Description, StringComparison.Ordinal);
        Assert.Equal(1, _resets.Total);
    }

    [Fact]
    public void Replays_small_steps_back_and_incremental_snapshots_are_no_reset()
    {
        Observe(0, new SourcePosition(50_000_000, null, IsSnapshot: true));
        Observe(1, Streamed(50_500_000));
        Observe(2, Streamed(50_600_000));
        // Redelivered from an older offset (rebalance, restart): the same changes again.
        Observe(1, Streamed(50_500_000));
        Observe(0, new SourcePosition(50_000_000, null, IsSnapshot: true));
        // Debezium re-sending after its own restart: a little back, within the threshold.
        Observe(3, Streamed(50_400_000));
        Observe(4, new SourcePosition(50_700_000, null, IsSnapshot: true, IsIncrementalSnapshot: true));

        Assert.Equal(HealthStatus.Healthy, Check().Status);
        Assert.Equal(0, _resets.Total);
    }

    private static SourcePosition Streamed(long commitLsn) => new(commitLsn + 100, commitLsn, IsSnapshot: false);

    private void Observe(long offset, SourcePosition position) =>
        _detector.Observe(new TopicPartitionOffset(_topic, 0, offset), position);

    private HealthCheckResult Check() =>
        _health.CheckHealthAsync(new HealthCheckContext
        {
            Registration = new HealthCheckRegistration("cassandra-sink", _health, HealthStatus.Unhealthy, null),
        }, TestContext.Current.CancellationToken).GetAwaiter().GetResult();

    public void Dispose()
    {
        _resets.Dispose();
        _metrics.Dispose();
    }
}
