using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CdcPipeline.Benchmarks.Report;

/// <summary>Everything one run measured, as a markdown table and as JSON.</summary>
internal sealed class BenchmarkReport
{
    private const double RssTargetMb = 200;
    private const double LatencyTargetMs = 1_000;
    private const int LatencyTargetRate = 5_000;

    private static readonly JsonSerializerOptions s_json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public required string Mode { get; init; }

    public required string Command { get; init; }

    public required string Machine { get; init; }

    public required string Peers { get; init; }

    public DateTimeOffset StartedAt { get; init; } = DateTimeOffset.UtcNow;

    public double DurationSeconds { get; set; }

    public List<Comparison> Comparisons { get; } = [];

    public List<LatencyResult> Latencies { get; } = [];

    public int? HighestSustainedRate { get; set; }

    public string SustainedNote { get; set; } = string.Empty;

    public List<UsageRow> Usage { get; } = [];

    public List<OutcomeCheck> Checks { get; } = [];

    public List<string> Notes { get; } = [];

    public string ToJson() => JsonSerializer.Serialize(this, s_json);

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Mode `{Mode}`, {Machine}; {Peers}; {DurationSeconds:0} s.");
        text.AppendLine();
        text.AppendLine("| stage | events | figure | baseline (same run, same data) | ratio | target | met |");
        text.AppendLine("|---|---:|---|---|---:|---|---|");
        foreach (var c in Comparisons)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {c.Stage} | {c.Size:N0} | {c.Figure}: {c.Value:N0} {c.Unit} | {c.Baseline}: {c.BaselineValue:N0} {c.Unit} | {c.Ratio:0.00}x | {(c.TargetRatio is { } t ? $">= {t:0.##}x" : "")} | {Verdict(c.Met)} |");
        }

        if (Latencies.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("| end to end (Producer event -> Cassandra row) | achieved | samples | p50 | p95 | p99 | commit -> Kafka p50 / p99 | target | met |");
            text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---|---|");
            foreach (var l in Latencies)
            {
                var targeted = l.TargetRate == LatencyTargetRate;
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"| {l.TargetRate:N0} events/s | {l.AchievedRate:N0}/s | {l.Samples} | {l.P50Ms:N0} ms | {l.P95Ms:N0} ms | {l.P99Ms:N0} ms | {l.CommitP50Ms:N0} / {l.CommitP99Ms:N0} ms | {(targeted ? "p99 < 1 s" : "")} | {(targeted ? Verdict(l.P99Ms < LatencyTargetMs) : "")} |");
            }

            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture,
                $"Highest rate sustained without growing lag: **{(HighestSustainedRate is { } rate ? rate.ToString("N0", CultureInfo.InvariantCulture) + " events/s" : "none of those tried")}** ({SustainedNote}).");
        }

        text.AppendLine();
        text.AppendLine("| service | stage | events | peak RSS | CPU | events per CPU second | target | met |");
        text.AppendLine("|---|---|---:|---:|---:|---:|---|---|");
        foreach (var u in Usage)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {u.Service} | {u.Stage} | {(u.Size > 0 ? u.Size.ToString("N0", CultureInfo.InvariantCulture) : "")} | {u.PeakRssMb:N0} MB | {u.CpuSeconds:0.0} s | {(u.EventsPerCpuSecond is { } e ? e.ToString("N0", CultureInfo.InvariantCulture) : "")} | < 200 MB | {Verdict(u.PeakRssMb < RssTargetMb)} |");
        }

        if (Checks.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("| check | events | outcome | detail |");
            text.AppendLine("|---|---:|---|---|");
            foreach (var c in Checks)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"| {c.Stage}: {c.What} | {c.Size:N0} | {(c.Passed ? "pass" : "FAIL")} | {c.Detail} |");
            }
        }

        foreach (var note in Notes)
        {
            text.AppendLine();
            text.AppendLine(note);
        }

        return text.ToString();
    }

    private static string Verdict(bool? met) => met switch
    {
        true => "yes",
        false => "**no**",
        null => "",
    };
}
