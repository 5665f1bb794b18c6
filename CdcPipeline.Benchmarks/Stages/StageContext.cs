using CdcPipeline.Benchmarks.Kafka;
using CdcPipeline.Benchmarks.Peers;
using CdcPipeline.Benchmarks.Report;
using CdcPipeline.Benchmarks.Services;

namespace CdcPipeline.Benchmarks.Stages;

/// <summary>What every stage works with: the peers, a probe of Kafka, the report it adds to, and a progress log.</summary>
internal sealed class StageContext(BenchmarkPeers peers, KafkaProbe probe, BenchmarkReport report, TextWriter log, CancellationToken cancellationToken)
{
    public static readonly TimeSpan StageTimeout = TimeSpan.FromMinutes(20);

    public BenchmarkPeers Peers { get; } = peers;

    public KafkaProbe Probe { get; } = probe;

    public BenchmarkReport Report { get; } = report;

    public CancellationToken CancellationToken { get; } = cancellationToken;

    public void Log(string line) => log.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {line}");

    public void AddUsage(string stage, int size, ServiceUsage usage, long events) =>
        Report.Usage.Add(new UsageRow(stage, size, usage.Service, usage.PeakRssBytes / 1024.0 / 1024.0, usage.CpuSeconds,
            usage.CpuSeconds > 0 && events > 0 ? events / usage.CpuSeconds : null));
}
