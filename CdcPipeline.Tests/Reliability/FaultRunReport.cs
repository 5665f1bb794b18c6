using System.Globalization;
using System.Text;

namespace CdcPipeline.Tests.Reliability;

/// <summary>
/// What a fault run tried (seed, every fault with its time) and what it found; <see cref="ToString"/> is what it
/// prints. <see cref="Logs"/> holds every service process's output and <see cref="Secrets"/> the passwords the
/// services were given, for the check that none leaks: neither is ever printed.
/// </summary>
internal sealed record FaultRunReport(
    FaultRunSettings Settings,
    IReadOnlyList<InjectedFault> Faults,
    IReadOnlyList<string> Problems,
    PipelineFindings Findings,
    TimeSpan Elapsed,
    IReadOnlyList<ServiceLog> Logs,
    IReadOnlyList<string> Secrets)
{
    public bool Passed => Problems.Count == 0 && Findings.Passed && Faults.All(f => f.Error is null);

    public override string ToString()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Fault run, seed {Settings.Seed}: {Settings.Duration:c} of faults while the Producer sends {Settings.EventsPerSecond} events/s; {Elapsed:hh\\:mm\\:ss} in all");
        text.AppendLine($"  replay: {Settings.ReplayCommand}");
        text.AppendLine(CultureInfo.InvariantCulture, $"Faults tried ({Faults.Count}):");
        foreach (var fault in Faults)
        {
            text.AppendLine($"  {fault}");
        }

        text.AppendLine("Faults injected by kind:");
        foreach (var kind in Enum.GetValues<FaultKind>())
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {kind,-26} {Faults.Count(f => f.Planned.Kind == kind && f.Error is null)}");
        }

        text.AppendLine("Found:");
        text.AppendLine(Findings.ToString());
        foreach (var problem in Problems)
        {
            text.AppendLine($"  problem: {problem}");
        }

        text.Append(Passed ? "Result: PASSED" : "Result: FAILED");
        return text.ToString();
    }
}
