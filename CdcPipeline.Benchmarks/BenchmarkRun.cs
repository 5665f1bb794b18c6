using System.Diagnostics;
using CdcPipeline.Benchmarks.Kafka;
using CdcPipeline.Benchmarks.Peers;
using CdcPipeline.Benchmarks.Report;
using CdcPipeline.Benchmarks.Services;
using CdcPipeline.Benchmarks.Stages;

namespace CdcPipeline.Benchmarks;

/// <summary>
/// One run: the peers, then for each size the four throughput stages on one data set (the Producer's events are
/// the Consumer's input, the WAL it writes is the capture's, the change records the capture publishes are the
/// sink's), then the pipeline end to end. <c>--stage</c> stops after the named stage (the ones before it make its
/// input) and skips the end-to-end run.
/// </summary>
internal static class BenchmarkRun
{
    public static async Task<BenchmarkReport> RunAsync(BenchmarkOptions options, IReadOnlyList<string> args, TextWriter log, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var runId = $"b{DateTime.UtcNow:HHmmss}";
        await using var peers = await BenchmarkPeers.StartAsync(options, cancellationToken);
        using var probe = new KafkaProbe(peers.Bootstrap);
        var report = new BenchmarkReport
        {
            Mode = options.Mode,
            Command = "dotnet run -c Release --project CdcPipeline.Benchmarks --" + string.Concat(args.Select(a => " " + a)),
            Machine = $"{Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}",
            Peers = peers.Description,
        };
        var context = new StageContext(peers, probe, report, log, cancellationToken);
        await peers.CreateTopicAsync(ServiceEnvironments.OffsetsTopic, 1);

        foreach (var size in options.Sizes)
        {
            var workload = new Workload(size, runId);
            var events = await ProducerStage.RunAsync(context, workload);
            if (options.LastStage == "producer")
            {
                continue;
            }

            var database = await ConsumerStage.RunAsync(context, workload, events);
            if (options.LastStage == "consumer")
            {
                continue;
            }

            var sinkFits = workload.ChangesFit(peers.IsMockKafka) && options.LastStage != "capture";
            var rows = await CaptureStage.RunAsync(context, workload, database, rowsNeeded: sinkFits);
            if (rows is not null)
            {
                await SinkStage.RunAsync(context, workload, rows, database);
            }
            else if (options.LastStage != "capture")
            {
                report.Notes.Add($"CassandraSink at {size:N0} events: not run; its change records (~2.6 KB each with schemas) exceed what " +
                    $"{workload.ChangePartitions} partitions of the mock cluster keep (about 5 MiB each).");
            }
        }

        if (options.LastStage is null)
        {
            await EndToEndStage.RunAsync(context, options, runId);
        }

        report.DurationSeconds = clock.Elapsed.TotalSeconds;
        return report;
    }
}
