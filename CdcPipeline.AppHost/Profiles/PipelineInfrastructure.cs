using Aspire.Hosting.ApplicationModel;
using CdcPipeline.AppHost.Capture;

namespace CdcPipeline.AppHost.Profiles;

/// <summary>
/// What the services connect to, whichever profile provides it: <c>kafka</c>, <c>cdcdb</c> and <c>cassandra</c> under
/// the same names and with connection strings of the same shape, and the change capture writing the change topics.
/// </summary>
internal sealed record PipelineInfrastructure(
    PipelineSettings Settings,
    IResourceBuilder<IResourceWithConnectionString> Kafka,
    IResourceBuilder<IResourceWithConnectionString> CdcDb,
    IResourceBuilder<IResourceWithConnectionString> Cassandra,
    CaptureSettings Capture);
