namespace CdcPipeline.Benchmarks.Report;

/// <summary>A stage's figure beside its baseline, measured in the same run on the same data.</summary>
internal sealed record Comparison(
    string Stage, int Size, string Figure, double Value, string Baseline, double BaselineValue, double? TargetRatio, string Unit)
{
    public double Ratio => Value / BaselineValue;

    public bool? Met => TargetRatio is { } target ? Ratio >= target : null;
}

/// <summary>End-to-end latency at one rate: Producer event time to the row read from Cassandra, and commit to Kafka.</summary>
internal sealed record LatencyResult(
    int TargetRate, double AchievedRate, int Samples, double P50Ms, double P95Ms, double P99Ms,
    int CommitSamples, double CommitP50Ms, double CommitP99Ms, bool Sustained, string Verdict);

/// <summary>What a service process used during one stage.</summary>
internal sealed record UsageRow(string Stage, int Size, string Service, double PeakRssMb, double CpuSeconds, double? EventsPerCpuSecond);

/// <summary>A check of the outcome (rows equal to the reference, nothing lost), so a figure is not a rate of wrong work.</summary>
internal sealed record OutcomeCheck(string Stage, int Size, string What, bool Passed, string Detail);
