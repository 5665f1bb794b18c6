using CdcPipeline.Benchmarks.Kafka;
using CdcPipeline.Benchmarks.Peers;
using CdcPipeline.Benchmarks.Report;
using CdcPipeline.Benchmarks.Services;
using CdcPipeline.ServiceDefaults.Kafka;

namespace CdcPipeline.Benchmarks.Stages;

/// <summary>What every stage works with: the peers, a probe of Kafka, the report it adds to, and a progress log.</summary>
internal sealed class StageContext(BenchmarkPeers peers, KafkaProbe probe, BenchmarkReport report, TextWriter log, CancellationToken cancellationToken)
{
    public static readonly TimeSpan StageTimeout = TimeSpan.FromMinutes(20);
    private const string DeadLetterSuffix = KafkaDeadLetterSettings.DefaultTopicSuffix;

    public BenchmarkPeers Peers { get; } = peers;

    public KafkaProbe Probe { get; } = probe;

    public BenchmarkReport Report { get; } = report;

    public CancellationToken CancellationToken { get; } = cancellationToken;

    public void Log(string line) => log.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {line}");

    /// <summary>Creates the topics and, as the AppHost does, each one's dead-letter topic with as many partitions.</summary>
    public async Task CreateTopicsAsync(TopicSet topics)
    {
        foreach (var (name, partitions) in topics.Partitions)
        {
            await Peers.CreateTopicAsync(name, partitions);
            await Peers.CreateTopicAsync(name + DeadLetterSuffix, partitions);
        }
    }

    /// <summary>Adds a check that nothing went to the dead-letter topics of <paramref name="topics"/>, quoting the first reason if something did.</summary>
    public void CheckNoDeadLetters(string stage, int size, TopicSet topics)
    {
        var deadLetters = TopicSet.Of([.. topics.Partitions.Select(t => (t.Key + DeadLetterSuffix, t.Value))]);
        var count = Probe.Written(deadLetters);
        var detail = $"{count:N0} dead letters";
        if (count > 0)
        {
            var first = Probe.ReadAll(deadLetters, CancellationToken)[0];
            var reason = first.Message.Headers.TryGetLastBytes("dlq.reason", out var bytes) ? System.Text.Encoding.UTF8.GetString(bytes) : "no reason header";
            detail += $", e.g. {first.Topic}: {reason}";
        }

        Report.Checks.Add(new OutcomeCheck(stage, size, "nothing dead-lettered", count == 0, detail));
    }

    public void AddUsage(string stage, int size, ServiceUsage usage, long events) =>
        Report.Usage.Add(new UsageRow(stage, size, usage.Service, usage.PeakRssBytes / 1024.0 / 1024.0, usage.CpuSeconds,
            usage.CpuSeconds > 0 && events > 0 ? events / usage.CpuSeconds : null));
}
