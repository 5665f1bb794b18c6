using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CdcPipeline.AppHost.Cassandra;

internal static class CassandraBuilderExtensions
{
    /// <summary>How long one health check waits for the CQL endpoint's address before it reports that there is none yet.</summary>
    public static TimeSpan EndpointAllocationWait { get; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Adds a Cassandra 5 node (cluster CDC_Cluster, dc1/rack1) with a persistent volume and a health check
    /// that speaks CQL.
    /// </summary>
    public static IResourceBuilder<CassandraResource> AddCassandra(this IDistributedApplicationBuilder builder, [ResourceName] string name)
    {
        ArgumentNullException.ThrowIfNull(builder);

        var cassandra = new CassandraResource(name);
        var healthCheckKey = $"{name}_cql_check";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            healthCheckKey,
            _ => new CassandraHealthCheck(ct => ConnectionStringOnceAllocatedAsync(cassandra, ct), TimeSpan.FromSeconds(5)),
            failureStatus: default,
            tags: default));

        var resource = builder.AddResource(cassandra)
            .WithImage(ContainerImageTags.CassandraImage, ContainerImageTags.CassandraTag)
            .WithImageRegistry(ContainerImageTags.DockerHubRegistry)
            .WithEndpoint(targetPort: CassandraResource.NativeTransportPort, name: CassandraResource.PrimaryEndpointName)
            .WithEnvironment("CASSANDRA_CLUSTER_NAME", CassandraResource.ClusterName)
            .WithEnvironment("CASSANDRA_DC", CassandraResource.DataCenter)
            .WithEnvironment("CASSANDRA_RACK", CassandraResource.Rack)
            // The DC and rack above only apply with a snitch that reads them.
            .WithEnvironment("CASSANDRA_ENDPOINT_SNITCH", "GossipingPropertyFileSnitch")
            .WithEnvironment("MAX_HEAP_SIZE", "1G")
            .WithEnvironment("HEAP_NEWSIZE", "200M")
            .WithHealthCheck(healthCheckKey);

        return resource.WithPersistentData(CassandraResource.DataDirectory);
    }

    // Asks the endpoint on every check, waiting briefly for its allocation: EndpointReference.IsAllocated caches its
    // first answer, so a check that ran before DCP allocated the port would never see it.
    private static async ValueTask<string?> ConnectionStringOnceAllocatedAsync(CassandraResource cassandra, CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(EndpointAllocationWait);
        try
        {
            return await cassandra.ConnectionStringExpression.GetValueAsync(wait.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }
}
