using System.Diagnostics;
using CdcPipeline.Benchmarks.Baselines;
using CdcPipeline.Benchmarks.Measurement;
using CdcPipeline.Benchmarks.Report;
using CdcPipeline.Benchmarks.Services;
using Confluent.Kafka;

namespace CdcPipeline.Benchmarks.Stages;

/// <summary>
/// 2. The Consumer applies the Producer's events to a fresh database, timed from its first committed offset to the
/// last (the group's offsets, committed only after the rows are durable). Baselines on the same events: the original's
/// one autocommitted statement per event into a second database, and binary COPY of the final rows that leaves into a
/// third; both are expressed per event (the workload's events over the time each takes to reach the same final rows).
/// </summary>
internal static class ConsumerStage
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    /// <returns>The connection string of the database the Consumer filled (its WAL is the capture's input).</returns>
    public static async Task<string> RunAsync(StageContext context, Workload workload, IReadOnlyList<ConsumeResult<byte[]?, byte[]?>> records)
    {
        var cancellationToken = context.CancellationToken;
        var database = await context.Peers.CreateDatabaseAsync(workload.Database, cancellationToken);
        var reference = await context.Peers.CreateDatabaseAsync(workload.ReferenceDatabase, cancellationToken);
        var copy = await context.Peers.CreateDatabaseAsync(workload.CopyDatabase, cancellationToken);
        await CaptureStage.CreateSlotsAsync(database, workload, cancellationToken);

        context.Log($"consumer: applying {workload.Events:N0} events");
        Throughput consumer;
        await using (var process = ServiceProcess.Start("consumer", "CdcPipeline.Consumer.dll",
            ServiceEnvironments.Consumer(context.Peers.Bootstrap, database, workload.Topics, workload.ConsumerGroup)))
        {
            consumer = await ProgressClock.MeasureAsync(
                () => context.Probe.Committed(workload.ConsumerGroup, workload.Topics.Set), workload.Events, Poll, StageContext.StageTimeout,
                process.EnsureRunning, cancellationToken);
            await process.DisposeAsync();
            context.AddUsage("consumer", workload.Events, process.Usage, workload.Events);
        }

        var users = workload.Topics.Users;
        var events = records
            .Select(r => WireEvent.Parse(r.Topic == users, r.Message.Value!))
            .OrderBy(e => e.Time)
            .ToList();
        context.Log("consumer: baseline one statement per event");
        var clock = Stopwatch.StartNew();
        await OneStatementPerEvent.ApplyAsync(reference, events, cancellationToken);
        var perEvent = new Throughput(events.Count, clock.Elapsed);

        var expected = await TableContents.ReadAsync(reference, cancellationToken);
        var actual = await TableContents.ReadAsync(database, cancellationToken);
        context.Report.Checks.Add(new OutcomeCheck("Consumer", workload.Events, "rows equal the original method's",
            actual.SequenceEqual(expected), TableContents.Difference(actual, expected)));

        context.CheckNoDeadLetters("Consumer", workload.Events, workload.Topics.Set);
        context.Log("consumer: baseline binary COPY");
        var exported = await BinaryCopy.ExportAsync(reference, cancellationToken);
        clock.Restart();
        await BinaryCopy.ImportAsync(copy, exported, cancellationToken);
        var copyTime = clock.Elapsed;
        var rows = expected.Count;

        context.Report.Comparisons.Add(new Comparison("Consumer", workload.Events, "Consumer into PostgreSQL", consumer.PerSecond,
            $"binary COPY of the same final rows ({rows:N0} rows, {rows / copyTime.TotalSeconds:N0} rows/s)", workload.Events / copyTime.TotalSeconds, 0.5, "events/s"));
        context.Report.Comparisons.Add(new Comparison("Consumer", workload.Events, "Consumer into PostgreSQL", consumer.PerSecond,
            "one autocommitted statement per event (the original's method)", perEvent.PerSecond, 10, "events/s"));
        context.Log($"consumer: {consumer.PerSecond:N0}/s, COPY {workload.Events / copyTime.TotalSeconds:N0} events/s, per event {perEvent.PerSecond:N0}/s");
        return database;
    }
}
