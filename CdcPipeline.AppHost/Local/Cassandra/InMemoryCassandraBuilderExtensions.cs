using Aspire.Hosting.ApplicationModel;
using CdcPipeline.AppHost.Cassandra;
using CdcPipeline.AppHost.Profiles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace CdcPipeline.AppHost.Local.Cassandra;

internal static partial class InMemoryCassandraBuilderExtensions
{
    /// <summary>
    /// Adds a CQL server hosted in the AppHost process, implementing what the sink uses with Cassandra's rules.
    /// Healthy when it answers a query through the CQL client; not durable.
    /// </summary>
    public static IResourceBuilder<InMemoryCassandraResource> AddInMemoryCassandra(
        this IDistributedApplicationBuilder builder,
        [ResourceName] string name,
        PipelineSettings settings)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(settings);

        var cassandra = new InMemoryCassandraResource(name);
        var healthCheckKey = $"{name}_cql_check";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            healthCheckKey,
            _ => new CassandraHealthCheck(ct => cassandra.ConnectionStringExpression.GetValueAsync(ct), TimeSpan.FromSeconds(5)),
            failureStatus: default,
            tags: default));

        return builder.AddResource(cassandra)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = InMemoryCassandraResource.ResourceType,
                State = KnownResourceStates.NotStarted,
                Properties =
                [
                    new(CustomResourceKnownProperties.Source, "in memory in the AppHost process, not durable (CQL protocol v4 server)"),
                    StandInProperties.Durability(StandInProperties.InMemory),
                    StandInProperties.Profile(settings),
                ],
            })
            .WithHealthCheck(healthCheckKey)
            .ExcludeFromManifest()
            .RunInProcess(cassandra.ConnectionString, (resource, logger, _) => Task.FromResult(Start(resource, logger)));
    }

    private static StandInStarted Start(InMemoryCassandraResource cassandra, ILogger logger)
    {
        var server = InMemoryCqlServer.Start();
        cassandra.Server = server;
        Started(logger, server.Port);
        return new StandInStarted(
            server.ConnectionString,
            [new("cassandra.address", $"127.0.0.1:{server.Port}") { DisplayName = "CQL address", IsHighlighted = true }],
            server.DisposeAsync);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "In-memory CQL server on 127.0.0.1:{Port}: protocol v4 in the AppHost process, in memory only (gone when the AppHost stops)")]
    private static partial void Started(ILogger logger, int port);
}
