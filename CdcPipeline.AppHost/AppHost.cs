using CdcPipeline.AppHost.Dashboard;
using CdcPipeline.AppHost.Kafka;
using CdcPipeline.AppHost.Profiles;

var builder = DistributedApplication.CreateBuilder(args);

if (builder.ExecutionContext.IsRunMode && DashboardPorts.FindTaken(builder.Configuration) is { } takenPort)
{
    Console.Error.WriteLine(takenPort);
    return 1;
}

// Infrastructure: Kafka, PostgreSQL (cdcdb), Cassandra and the change capture, in containers, or without a container
// engine as stand-ins on this machine (CdcPipeline:Profile, CdcPipeline:Capture; see Profiles/).
if (!builder.TryAddInfrastructure(out var infrastructure, out var error))
{
    Console.Error.WriteLine(error);
    return 1;
}

var (kafka, cdcDb, cassandra) = (infrastructure.Kafka, infrastructure.CdcDb, infrastructure.Cassandra);

// Services
builder.AddProject<Projects.CdcPipeline_Producer>("producer")
    .WithReference(kafka).WaitFor(kafka)
    .WithEnvironment("Producer__Mode", "continuous")
    .WithEventTopicPartitions()
    .WithHttpHealthCheck("/health");

builder.AddProject<Projects.CdcPipeline_Consumer>("consumer")
    .WithReference(kafka).WaitFor(kafka)
    .WithReference(cdcDb).WaitFor(cdcDb)
    .WithHttpHealthCheck("/health");

builder.AddProject<Projects.CdcPipeline_CassandraSink>("cassandra-sink")
    .WithReference(kafka).WaitFor(kafka)
    .WithReference(cassandra).WaitFor(cassandra)
    .WithEnvironment("CassandraSink__TopicPrefix", infrastructure.Capture.TopicPrefix)
    .WithHttpHealthCheck("/health");

builder.Build().Run();
return 0;
