namespace CdcPipeline.Benchmarks;

/// <summary>A peer or setting the benchmark cannot work with: reported as one line, exit code 1.</summary>
internal sealed class BenchmarkSetupException(string message) : Exception(message);
