namespace CdcPipeline.Tests.Reliability;

/// <summary>A fault as it happened: when it started (a fault waits for the one before it on the same target) and why it could not be injected, if so.</summary>
internal sealed record InjectedFault(PlannedFault Planned, TimeSpan StartedAt, string? Error)
{
    public override string ToString() =>
        $"{Planned}   (started +{StartedAt.TotalSeconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)} s)"
        + (Error is null ? string.Empty : $"  NOT INJECTED: {Error}");
}
