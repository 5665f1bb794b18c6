using CdcPipeline.Tests.Infrastructure;

namespace CdcPipeline.Tests.Reliability;

/// <summary>One process of a service: which incarnation, and whether the run killed it.</summary>
internal sealed class ServiceRun(string service, int incarnation, ServiceProcess process)
{
    public string Service { get; } = service;

    public int Incarnation { get; } = incarnation;

    public ServiceProcess Process { get; } = process;

    public bool Killed { get; set; }
}
