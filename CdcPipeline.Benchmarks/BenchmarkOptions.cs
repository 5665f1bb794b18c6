using System.Globalization;

namespace CdcPipeline.Benchmarks;

/// <summary>The command line: which sizes, how long each end-to-end step, and where the peers are.</summary>
internal sealed record BenchmarkOptions(
    IReadOnlyList<int> Sizes,
    TimeSpan StepDuration,
    IReadOnlyList<int> LatencyRates,
    IReadOnlyList<int> SustainLadder,
    string Output,
    string? Bootstrap,
    string? Postgres,
    string? Cassandra,
    string Mode,
    string? LastStage = null)
{
    /// <summary>The throughput stages in order; each makes the next one's input.</summary>
    public static readonly IReadOnlyList<string> Stages = ["producer", "consumer", "capture", "sink"];

    public const string Usage =
        "Usage: dotnet run -c Release --project CdcPipeline.Benchmarks -- [--quick | --full] [--sizes 10000,100000] " +
        "[--step-seconds N] [--output file.json] [--stage producer|consumer|capture|sink] [--bootstrap host:port,...] [--postgres \"Host=...;Username=...\"] " +
        "[--cassandra \"Contact Points=...;Port=...\"]";

    private static readonly int[] LatencyRatesDefault = [1_000, 5_000];

    public static BenchmarkOptions Parse(IReadOnlyList<string> args)
    {
        var mode = "default";
        int[]? sizes = null;
        int? stepSeconds = null;
        string output = "benchmark-results.json";
        string? bootstrap = null, postgres = null, cassandra = null, stage = null;
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new BenchmarkSetupException($"{args[i]} needs a value. {Usage}");
            switch (args[i])
            {
                case "--quick":
                    mode = "quick";
                    break;
                case "--full":
                    mode = "full";
                    break;
                case "--sizes":
                    sizes = [.. Value().Split(',').Select(s => PositiveInt("--sizes", s))];
                    break;
                case "--step-seconds":
                    stepSeconds = PositiveInt("--step-seconds", Value());
                    break;
                case "--output":
                    output = Value();
                    break;
                case "--bootstrap":
                    bootstrap = Value();
                    break;
                case "--postgres":
                    postgres = Value();
                    break;
                case "--cassandra":
                    cassandra = Value();
                    break;
                case "--stage":
                    stage = Value();
                    if (!Stages.Contains(stage))
                    {
                        throw new BenchmarkSetupException($"--stage takes one of {string.Join(", ", Stages)} (was '{stage}').");
                    }

                    break;
                default:
                    throw new BenchmarkSetupException($"Unknown argument '{args[i]}'. {Usage}");
            }
        }

        BenchmarkOptions parsed = mode switch
        {
            "quick" => new(sizes ?? [10_000], TimeSpan.FromSeconds(stepSeconds ?? 8), LatencyRatesDefault, [], output, bootstrap, postgres, cassandra, mode),
            "full" => new(sizes ?? [10_000, 100_000, 1_000_000], TimeSpan.FromSeconds(stepSeconds ?? 60), LatencyRatesDefault,
                [10_000, 20_000, 40_000], output, bootstrap, postgres, cassandra, mode),
            _ => new(sizes ?? [10_000, 100_000], TimeSpan.FromSeconds(stepSeconds ?? 30), LatencyRatesDefault,
                [10_000, 20_000], output, bootstrap, postgres, cassandra, mode),
        };
        return parsed with { LastStage = stage };
    }

    private static int PositiveInt(string setting, string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new BenchmarkSetupException($"{setting} takes positive whole numbers (was '{text}').");
}
