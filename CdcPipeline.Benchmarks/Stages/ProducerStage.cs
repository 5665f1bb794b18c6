using CdcPipeline.Benchmarks.Baselines;
using CdcPipeline.Benchmarks.Measurement;
using CdcPipeline.Benchmarks.Report;
using CdcPipeline.Benchmarks.Services;
using Confluent.Kafka;

namespace CdcPipeline.Benchmarks.Stages;

/// <summary>
/// 1. The Producer's once mode sends the workload's events; the bare loop then sends the same bytes (read back from
/// Kafka) to the same partitions of other topics. Both are timed the same way: from the first acknowledged record to
/// the last (high watermarks polled every 10 ms).
/// </summary>
internal static class ProducerStage
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(10);

    /// <returns>The events as the Producer wrote them: the input of every later stage.</returns>
    public static async Task<IReadOnlyList<ConsumeResult<byte[]?, byte[]?>>> RunAsync(StageContext context, Workload workload)
    {
        var topics = workload.Topics;
        var bare = workload.BareTopics;
        foreach (var (name, partitions) in topics.Set.Partitions.Concat(bare.Set.Partitions))
        {
            await context.Peers.CreateTopicAsync(name, partitions);
        }

        context.Log($"producer: {workload.Events:N0} events ({workload.Users:N0} user, {workload.Orders:N0} order) into {topics.UserPartitions} + {topics.OrderPartitions} partitions");
        Throughput producer;
        await using (var process = ServiceProcess.Start("producer", "CdcPipeline.Producer.dll",
            ServiceEnvironments.ProducerOnce(context.Peers.Bootstrap, topics, workload.Seed, workload.Users, workload.Orders)))
        {
            producer = await ProgressClock.MeasureAsync(
                () => context.Probe.Written(topics.Set), workload.Events, Poll, StageContext.StageTimeout,
                () => FailIfExitedWithError(process), context.CancellationToken);
            var exitCode = await process.WaitForExitAsync(TimeSpan.FromMinutes(3), context.CancellationToken);
            if (exitCode != 0)
            {
                throw new InvalidOperationException($"The Producer exited with {exitCode}:\n{process.OutputTail}");
            }

            context.AddUsage("producer", workload.Events, process.Usage, workload.Events);
        }

        var records = context.Probe.ReadAll(topics.Set, context.CancellationToken);
        var outgoing = records
            .Select(r => (Topic: r.Topic == topics.Users ? bare.Users : bare.Orders, r.Partition.Value, r.Message.Key, r.Message.Value))
            .ToList();
        var send = BareProducerLoop.SendAsync(context.Peers.Bootstrap, outgoing);
        var baseline = await ProgressClock.MeasureAsync(
            () => context.Probe.Written(bare.Set), outgoing.Count, Poll, StageContext.StageTimeout,
            () =>
            {
                if (send.IsFaulted)
                {
                    send.GetAwaiter().GetResult();
                }
            },
            context.CancellationToken);
        await send;

        context.Report.Comparisons.Add(new Comparison(
            "Producer", workload.Events, "Producer (generates, instruments, sends)", producer.PerSecond,
            "bare Confluent.Kafka loop, same bytes", baseline.PerSecond, 0.8, "events/s"));
        context.Report.Checks.Add(new OutcomeCheck("Producer", workload.Events, "every event in Kafka",
            records.Count == workload.Events, $"{records.Count:N0} of {workload.Events:N0} records read back"));
        context.Log($"producer: {producer.PerSecond:N0}/s, bare loop {baseline.PerSecond:N0}/s");
        return records;
    }

    private static void FailIfExitedWithError(ServiceProcess process)
    {
        if (process.HasExited && process.ExitCode != 0)
        {
            throw new InvalidOperationException($"The Producer exited with {process.ExitCode}:\n{process.OutputTail}");
        }
    }
}
