using CdcPipeline.Benchmarks.Measurement;
using CdcPipeline.Benchmarks.Report;
using CdcPipeline.Benchmarks.Services;
using CdcPipeline.ServiceDefaults.Cassandra;

namespace CdcPipeline.Benchmarks.Stages;

/// <summary>
/// 5. The whole pipeline running, as the AppHost runs it (Consumer, capture with its initial snapshot, sink, each its
/// own process), fed by the Producer's continuous mode at one rate after another for one step each. Per step: the
/// Producer -> Cassandra row latency (<see cref="RowArrivalSampler"/>) and the commit -> Kafka latency
/// (<see cref="CommitLatencySampler"/>). A rate is sustained when the Producer reached 95 % of it and the latency did
/// not grow over the step (the median of its last third at most twice that of its first third, plus 250 ms) and every
/// sampled row arrived; the ladder stops at the first rate not sustained.
/// </summary>
internal static class EndToEndStage
{
    private const int Seed = 8;
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromMinutes(2);

    public static async Task RunAsync(StageContext context, BenchmarkOptions options, string runId)
    {
        var cancellationToken = context.CancellationToken;
        var topics = new EventTopics($"{runId}.e2e.users", 3, $"{runId}.e2e.orders", 5);
        var prefix = $"{runId}_e2e";
        var changeTopics = Kafka.TopicSet.Of((ServiceEnvironments.CdcTopic(prefix, "users"), 6), (ServiceEnvironments.CdcTopic(prefix, "orders"), 6));
        await context.CreateTopicsAsync(topics.Set);
        await context.CreateTopicsAsync(changeTopics);

        await context.Peers.CreateTopicAsync(ServiceEnvironments.HeartbeatTopic(prefix), 1);
        var database = await context.Peers.CreateDatabaseAsync("e2e", cancellationToken);
        var keyspace = $"e2e_{runId}";
        var sinkGroup = $"{runId}-e2e-sink";
        var kafka = context.Peers.Bootstrap;

        await using var consumer = ServiceProcess.Start("consumer", "CdcPipeline.Consumer.dll", ServiceEnvironments.Consumer(kafka, database, topics, $"{runId}-e2e-consumer"));
        await using var capture = ServiceProcess.Start("capture", "CdcPipeline.Capture.dll", ServiceEnvironments.Capture(kafka, database, prefix, $"e2e_{runId}", snapshot: true));
        await using var sink = ServiceProcess.Start("cassandra-sink", "CdcPipeline.CassandraSink.dll",
            ServiceEnvironments.Sink(kafka, context.Peers.Cassandra, prefix, sinkGroup, keyspace));
        ServiceProcess[] services = [consumer, capture, sink];
        void EnsureRunning()
        {
            foreach (var service in services)
            {
                service.EnsureRunning();
            }
        }

        var settings = new CassandraClientSettings { ConnectionString = context.Peers.Cassandra, DisableTracing = true, DisableMetrics = true };
        settings.ApplyConnectionString();
        await using var session = new CqlSession(settings);
        await session.ConnectAsync(cancellationToken);

        context.Log("end to end: warming up (a first run flows through every service)");
        await using (var warmUp = ServiceProcess.Start("producer", "CdcPipeline.Producer.dll", ServiceEnvironments.ProducerOnce(kafka, topics, Seed, 50, 50)))
        {
            await warmUp.WaitForExitAsync(TimeSpan.FromMinutes(2), cancellationToken);
        }

        await WaitForDrainAsync(context, changeTopics, sinkGroup, minimumRecords: 100, EnsureRunning);

        var rates = options.LatencyRates.Concat(options.SustainLadder).Distinct().Order().ToList();
        long producedEvents = 0;
        foreach (var rate in rates)
        {
            var step = await RunStepAsync(context, options, topics, changeTopics, keyspace, sinkGroup, session, rate, EnsureRunning);
            producedEvents += (long)(step.AchievedRate * options.StepDuration.TotalSeconds);
            context.Report.Latencies.Add(step);
            if (step.Sustained)
            {
                context.Report.HighestSustainedRate = Math.Max(rate, context.Report.HighestSustainedRate ?? 0);
            }
            else if (rate >= options.LatencyRates.Max())
            {
                break;
            }
        }

        context.Report.SustainedNote = $"tried {string.Join(", ", rates.Select(r => r.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)))} events/s, " +
            $"{options.StepDuration.TotalSeconds:0} s each";
        foreach (var service in services)
        {
            await service.DisposeAsync();
            context.AddUsage("end to end", 0, service.Usage, producedEvents);
        }
    }

    private static async Task<LatencyResult> RunStepAsync(
        StageContext context, BenchmarkOptions options, EventTopics topics, Kafka.TopicSet changeTopics, string keyspace, string sinkGroup,
        CqlSession session, int rate, Action ensureRunning)
    {
        var cancellationToken = context.CancellationToken;
        context.Log($"end to end: {rate:N0} events/s for {options.StepDuration.TotalSeconds:0} s");
        await using var rows = await RowArrivalSampler.StartAsync(context.Peers.Bootstrap, session, keyspace, topics.Set.AllPartitions, topics.Users, rate);
        using var commits = new CommitLatencySampler(context.Peers.Bootstrap, changeTopics.AllPartitions);
        var before = context.Probe.Written(topics.Set);
        double achieved;
        await using (var producer = ServiceProcess.Start("producer", "CdcPipeline.Producer.dll",
            ServiceEnvironments.ProducerContinuous(context.Peers.Bootstrap, topics, Seed + rate, rate)))
        {
            // The step starts when the first event is in Kafka, not when the process was started.
            while (context.Probe.Written(topics.Set) == before)
            {
                producer.EnsureRunning();
                await Task.Delay(20, cancellationToken);
            }

            var started = DateTime.UtcNow;
            var firstWritten = context.Probe.Written(topics.Set);
            var end = started + options.StepDuration;
            while (DateTime.UtcNow < end)
            {
                ensureRunning();
                producer.EnsureRunning();
                await Task.Delay(200, cancellationToken);
            }

            achieved = (context.Probe.Written(topics.Set) - firstWritten) / (DateTime.UtcNow - started).TotalSeconds;
            context.AddUsage($"end to end {rate:N0}/s", 0, producer.Usage, (long)(achieved * options.StepDuration.TotalSeconds));
        }

        await WaitForDrainAsync(context, changeTopics, sinkGroup, minimumRecords: 0, ensureRunning);
        var arrivals = await rows.FinishAsync();
        var commitLatencies = commits.Finish();
        var latencies = arrivals.Select(a => a.LatencyMs).ToList();
        var third = latencies.Count / 3;
        var growing = third > 0 && Percentiles.Of(latencies[^third..], 50) > 2 * Percentiles.Of(latencies[..third], 50) + 250;
        var reached = achieved >= 0.95 * rate;
        var sustained = reached && !growing && rows.Missing == 0 && latencies.Count > 0;
        var verdict = sustained ? "sustained"
            : !reached ? $"Producer reached {achieved:N0}/s"
            : rows.Missing > 0 ? $"{rows.Missing} sampled rows never arrived"
            : "latency grew during the step";
        string Kind(bool isUser)
        {
            var kind = arrivals.Where(a => a.IsUser == isUser).Select(a => a.LatencyMs).ToList();
            return $"{kind.Count} {(isUser ? "users" : "orders")} p50 {Percentiles.Of(kind, 50):N0} ms, p99 {Percentiles.Of(kind, 99):N0} ms";
        }

        context.Log($"end to end: {rate:N0}/s -> p50 {Percentiles.Of(latencies, 50):N0} ms, p99 {Percentiles.Of(latencies, 99):N0} ms ({Kind(true)}; {Kind(false)}), {verdict}");
        return new LatencyResult(rate, achieved, latencies.Count,
            Percentiles.Of(latencies, 50), Percentiles.Of(latencies, 95), Percentiles.Of(latencies, 99),
            commitLatencies.Count, Percentiles.Of(commitLatencies, 50), Percentiles.Of(commitLatencies, 99), sustained, verdict);
    }

    /// <summary>Until the sink committed every change record written so far (and at least <paramref name="minimumRecords"/>), with the Consumer caught up.</summary>
    private static async Task WaitForDrainAsync(StageContext context, Kafka.TopicSet changeTopics, string sinkGroup, long minimumRecords, Action ensureRunning)
    {
        var deadline = DateTime.UtcNow + DrainTimeout;
        var stableSince = DateTime.UtcNow;
        var last = -1L;
        while (true)
        {
            ensureRunning();
            var written = context.Probe.Written(changeTopics);
            var committed = context.Probe.Committed(sinkGroup, changeTopics);
            if (written != last)
            {
                (last, stableSince) = (written, DateTime.UtcNow);
            }

            // Stable for a second: the Consumer and the capture have nothing more in hand.
            if (written >= minimumRecords && committed >= written && DateTime.UtcNow - stableSince > TimeSpan.FromSeconds(1))
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The pipeline did not drain within {DrainTimeout.TotalSeconds:0} s: {committed:N0} of {written:N0} change records applied.");
            }

            await Task.Delay(100, context.CancellationToken);
        }
    }
}
