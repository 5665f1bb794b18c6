namespace CdcPipeline.Tests.Reliability;

/// <summary>Everything one process of a service wrote, kept after the process is gone.</summary>
internal sealed record ServiceLog(string Service, int Incarnation, string Output);
