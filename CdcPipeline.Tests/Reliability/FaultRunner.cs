using System.Collections.Concurrent;
using System.Diagnostics;
using CdcPipeline.Tests.Infrastructure.Postgres;

namespace CdcPipeline.Tests.Reliability;

/// <summary>
/// One fault run: the local peers and the four services started, the Producer sending, the seeded schedule of faults
/// injected on time (overlapping where they fall together), then everything repaired, the Producer stopped, and the
/// checker run once the pipeline drained. Bounded: the faults end at the schedule's duration, the drain at the
/// checker's deadline.
/// </summary>
internal static class FaultRunner
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan ProducerStopDeadline = TimeSpan.FromMinutes(3);

    public static async Task<FaultRunReport> RunAsync(FaultRunSettings settings, PostgresFixture referenceServer, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        await using var peers = await LocalPeers.StartAsync();
        using var services = new PipelineServices(peers, settings.Seed, settings.EventsPerSecond);
        var schedule = FaultSchedule.Generate(settings.Seed, settings.Duration, LocalPeers.Brokers, [.. peers.Topics.Events, .. peers.Topics.Changes]);
        var problems = new List<string>();

        foreach (var service in new[] { PipelineServices.Consumer, PipelineServices.Capture, PipelineServices.Sink })
        {
            services.Start(service);
        }

        await WaitUntilStreamingAsync(peers, services, cancellationToken);
        services.Start(PipelineServices.Producer);

        var injector = new FaultInjector(peers, services);
        var injected = new ConcurrentBag<InjectedFault>();
        var running = new List<Task>();
        var faultsStart = Stopwatch.StartNew();
        foreach (var fault in schedule.Faults)
        {
            await DelayUntilAsync(faultsStart, fault.At, cancellationToken);
            running.Add(Task.Run(async () =>
            {
                var startedAt = faultsStart.Elapsed;
                try
                {
                    await injector.InjectAsync(fault, cancellationToken);
                    injected.Add(new InjectedFault(fault, startedAt, null));
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    injected.Add(new InjectedFault(fault, startedAt, exception.Message));
                }
            }, cancellationToken));
        }

        await DelayUntilAsync(faultsStart, settings.Duration, cancellationToken);
        await Task.WhenAll(running);
        injector.Heal();

        problems.AddRange(ExitedByThemselves(services, restart: true));
        problems.AddRange(await StopProducerAsync(services));
        var findings = await new PipelineChecker(peers, referenceServer).CheckAsync(
            [.. services.Runs.Where(r => r.Service == PipelineServices.Producer)], settings.DrainDeadline, cancellationToken);
        problems.AddRange(ExitedByThemselves(services, restart: false));

        return new FaultRunReport(
            settings,
            [.. injected.OrderBy(f => f.Planned.At)],
            problems,
            findings,
            clock.Elapsed,
            [.. services.Runs.Select(r => new ServiceLog(r.Service, r.Incarnation, r.Process.Output))],
            peers.Secrets);
    }

    /// <summary>The capture streams from its slot (its snapshot of the empty tables is done) and the sink has created its tables.</summary>
    private static async Task WaitUntilStreamingAsync(LocalPeers peers, PipelineServices services, CancellationToken cancellationToken)
    {
        var until = DateTime.UtcNow + StartDeadline;
        while (!(services.Current(PipelineServices.Capture).Process.Output.Contains("Streaming slot", StringComparison.Ordinal)
                 && peers.Cql.Tables("cdc_keyspace").Count >= 3))
        {
            if (DateTime.UtcNow > until || services.Runs.Any(r => r.Process.HasExited))
            {
                throw new InvalidOperationException(
                    $"The pipeline did not start within {StartDeadline}:\n"
                    + string.Join('\n', services.Runs.Select(r => $"--- {r.Service} (exited: {r.Process.HasExited})\n{r.Process.Output}")));
            }

            await Task.Delay(200, cancellationToken);
        }
    }

    /// <summary>Services the run did not kill that ended anyway: a crash the faults caused. Restarted when the drain still needs them.</summary>
    private static IEnumerable<string> ExitedByThemselves(PipelineServices services, bool restart)
    {
        var problems = new List<string>();
        foreach (var run in services.Runs.Where(r => !r.Killed && r.Process.HasExited && r.Service != PipelineServices.Producer))
        {
            run.Killed = true;
            problems.Add($"{run.Service} #{run.Incarnation} exited by itself with code {run.Process.ExitCode}; its last lines:\n{Tail(run.Process.Output)}");
            if (restart && services.Current(run.Service) == run)
            {
                services.Start(run.Service);
            }
        }

        return problems;
    }

    private const int TerminatedBySigterm = 143;

    /// <summary>SIGTERM, as a deployment stops it: it flushes and exits 0 only when Kafka acknowledged every event.</summary>
    private static async Task<IEnumerable<string>> StopProducerAsync(PipelineServices services)
    {
        var producer = services.Current(PipelineServices.Producer);
        producer.Killed = true;
        if (producer.Process.HasExited)
        {
            return [$"producer #{producer.Incarnation} exited by itself with code {producer.Process.ExitCode}; its last lines:\n{Tail(producer.Process.Output)}"];
        }

        producer.Process.Terminate();
        var exitCode = await producer.Process.WaitForExitAsync(ProducerStopDeadline);
        // A Producer just restarted may get SIGTERM before .NET has installed its handler (the runtime still starting):
        // it dies of the signal (128 + 15) having written, and so sent, nothing.
        var diedBeforeItStarted = exitCode == TerminatedBySigterm && producer.Process.Output.Length == 0;
        return exitCode == 0 || diedBeforeItStarted ? [] : [$"producer #{producer.Incarnation} exited with code {exitCode} when stopped; its last lines:\n{Tail(producer.Process.Output)}"];
    }

    private static async Task DelayUntilAsync(Stopwatch since, TimeSpan at, CancellationToken cancellationToken)
    {
        var wait = at - since.Elapsed;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, cancellationToken);
        }
    }

    private static string Tail(string output) => string.Join('\n', output.Split('\n').TakeLast(15));
}
