namespace CdcPipeline.Benchmarks.Baselines;

/// <summary>A change's new row image, typed, as the CQL client baseline writes it; <see cref="Lsn"/> orders its write timestamp.</summary>
internal sealed record ChangeRow(string Table, ulong Lsn, object?[] Values);
