using CdcPipeline.Benchmarks.Baselines;
using CdcPipeline.Benchmarks.Measurement;
using CdcPipeline.Benchmarks.Report;
using CdcPipeline.Benchmarks.Services;
using Confluent.Kafka;

namespace CdcPipeline.Benchmarks.Stages;

/// <summary>
/// 1. The Producer's once mode sends the workload's events; the bare loop then sends the same bytes (read back from
/// Kafka) to the same partitions of other topics. Both are timed the same way, by the records' own timestamps
/// (CreateTime, stamped as each record is handed to the client): from the first to the last. With more records than
/// librdkafka queues (100,000) that includes waiting for acknowledgements; below, it is the cost of sending.
/// </summary>
internal static class ProducerStage
{
    /// <returns>The events as the Producer wrote them: the input of every later stage.</returns>
    public static async Task<IReadOnlyList<ConsumeResult<byte[]?, byte[]?>>> RunAsync(StageContext context, Workload workload)
    {
        var topics = workload.Topics;
        var bare = workload.BareTopics;
        await context.CreateTopicsAsync(topics.Set);
        await context.CreateTopicsAsync(bare.Set);

        context.Log($"producer: {workload.Events:N0} events ({workload.Users:N0} user, {workload.Orders:N0} order) into {topics.UserPartitions} + {topics.OrderPartitions} partitions");
        await using (var process = ServiceProcess.Start("producer", "CdcPipeline.Producer.dll",
            ServiceEnvironments.ProducerOnce(context.Peers.Bootstrap, topics, workload.Seed, workload.Users, workload.Orders)))
        {
            var exitCode = await process.WaitForExitAsync(StageContext.StageTimeout, context.CancellationToken);
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
        await BareProducerLoop.SendAsync(context.Peers.Bootstrap, outgoing);
        var producer = SendingTime(records);
        var baseline = SendingTime(context.Probe.ReadAll(bare.Set, context.CancellationToken));

        context.Report.Comparisons.Add(new Comparison(
            "Producer", workload.Events, "Producer (generates, instruments, sends)", producer.PerSecond,
            "bare Confluent.Kafka loop, same bytes", baseline.PerSecond, 0.8, "events/s"));
        context.Report.Checks.Add(new OutcomeCheck("Producer", workload.Events, "every event in Kafka",
            records.Count == workload.Events, $"{records.Count:N0} of {workload.Events:N0} records read back"));
        context.Log($"producer: {producer.PerSecond:N0}/s, bare loop {baseline.PerSecond:N0}/s");
        return records;
    }

    /// <summary>From the first record's timestamp to the last's: each is stamped when it is handed to the client.</summary>
    private static Throughput SendingTime(IReadOnlyList<ConsumeResult<byte[]?, byte[]?>> records)
    {
        var times = records.Select(r => r.Message.Timestamp.UnixTimestampMs).ToList();
        return new Throughput(records.Count - 1, TimeSpan.FromMilliseconds(Math.Max(1, times.Max() - times.Min())));
    }
}
