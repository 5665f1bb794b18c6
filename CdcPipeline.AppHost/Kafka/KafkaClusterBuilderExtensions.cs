using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace CdcPipeline.AppHost.Kafka;

internal static partial class KafkaClusterBuilderExtensions
{
    /// <summary>A fixed KRaft cluster id (base64 of 16 bytes): the persistent volumes stay valid across runs.</summary>
    public const string DefaultClusterId = "Y2RjLXBpcGVsaW5lLWtyYQ";

    public const int ReplicationFactor = 3;
    public const int MinInSyncReplicas = 2;
    public const int DefaultPartitions = 3;

    /// <summary>Each broker's JVM heap (<c>KAFKA_HEAP_OPTS</c>, read by <c>kafka-run-class.sh</c>).</summary>
    public const string HeapOptions = "-Xms256m -Xmx512m";

    /// <summary>
    /// Adds a KRaft cluster of <paramref name="brokerCount"/> combined broker + controller nodes named
    /// <c>{name}-1</c> ... <c>{name}-N</c>, and the cluster resource <paramref name="name"/> whose connection
    /// string lists every broker's host listener.
    /// </summary>
    public static IResourceBuilder<KafkaClusterResource> AddKafkaCluster(
        this IDistributedApplicationBuilder builder,
        [ResourceName] string name,
        int brokerCount = 3)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentOutOfRangeException.ThrowIfLessThan(brokerCount, ReplicationFactor);

        var cluster = new KafkaClusterResource(name, DefaultClusterId);
        var clusterBuilder = builder.AddResource(cluster)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "KafkaCluster",
                State = KnownResourceStates.NotStarted,
                Properties = [],
            })
            .WithManifestPublishingCallback(context =>
            {
                context.Writer.WriteString("type", "value.v0");
                context.Writer.WriteString("connectionString", cluster.ConnectionStringExpression.ValueExpression);
            });

        for (var nodeId = 1; nodeId <= brokerCount; nodeId++)
        {
            builder.AddKafkaBroker(clusterBuilder, nodeId);
        }

        var healthCheckKey = $"{name}_cluster_check";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            healthCheckKey,
            _ => new KafkaClusterHealthCheck(
                ct => cluster.ConnectionStringExpression.GetValueAsync(ct),
                brokerCount,
                TimeSpan.FromSeconds(5)),
            failureStatus: default,
            tags: default));
        clusterBuilder.WithHealthCheck(healthCheckKey);

        builder.Eventing.Subscribe<InitializeResourceEvent>(cluster, (@event, ct) => RunWhenBrokersRunAsync(cluster, @event, ct));

        return clusterBuilder;
    }

    private static IResourceBuilder<KafkaBrokerResource> AddKafkaBroker(
        this IDistributedApplicationBuilder builder,
        IResourceBuilder<KafkaClusterResource> cluster,
        int nodeId)
    {
        var broker = new KafkaBrokerResource($"{cluster.Resource.Name}-{nodeId}", nodeId);
        cluster.Resource.AddBroker(broker);

        var brokerBuilder = builder.AddResource(broker)
            .WithImage(ContainerImageTags.KafkaImage, ContainerImageTags.KafkaTag)
            .WithImageRegistry(ContainerImageTags.DockerHubRegistry)
            .WithEndpoint(targetPort: KafkaBrokerResource.HostListenerPort, name: KafkaBrokerResource.HostEndpointName)
            .WithEntrypoint(KafkaBrokerStartup.Entrypoint)
            .WithArgs(context =>
            {
                foreach (var argument in KafkaBrokerStartup.ArgumentsBeforeProperties().Concat(KafkaBrokerProperties.For(cluster.Resource, broker)))
                {
                    context.Args.Add(argument);
                }
            })
            .WithEnvironment(KafkaBrokerStartup.ClusterIdVariable, cluster.Resource.ClusterId)
            .WithEnvironment("KAFKA_HEAP_OPTS", HeapOptions)
            .WithParentRelationship(cluster);

        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(broker, (@event, _) =>
        {
            var logger = @event.Services.GetRequiredService<ResourceLoggerService>().GetLogger(broker);
            StartingNode(logger, broker.NodeId, cluster.Resource.ClusterId, cluster.Resource.QuorumVoters, KafkaBrokerResource.DataDirectory,
                $"{ContainerImageTags.KafkaImage}:{ContainerImageTags.KafkaTag}");
            return Task.CompletedTask;
        });

        return brokerBuilder.WithPersistentData(KafkaBrokerResource.DataDirectory);
    }

    [LoggerMessage(Level = LogLevel.Information, Message =
        "KRaft node {NodeId} of cluster {ClusterId}, static voters {Voters}. Its container formats {DataDirectory} on the first start "
        + "(without --standalone), then starts the broker; the container's own log follows once {Image} is pulled and running.")]
    private static partial void StartingNode(ILogger logger, int nodeId, string clusterId, string voters, string dataDirectory, string image);

    // The cluster has no process of its own: it runs once all of its brokers run, and its health check
    // (metadata listing every broker) then decides when it is ready for the resources waiting on it.
    private static async Task RunWhenBrokersRunAsync(KafkaClusterResource cluster, InitializeResourceEvent @event, CancellationToken cancellationToken)
    {
        await @event.Notifications.PublishUpdateAsync(cluster, s => s with { State = KnownResourceStates.Waiting }).ConfigureAwait(false);

        foreach (var broker in cluster.Brokers)
        {
            await @event.Notifications.WaitForResourceAsync(broker.Name, KnownResourceStates.Running, cancellationToken).ConfigureAwait(false);
        }

        await @event.Eventing.PublishAsync(new ConnectionStringAvailableEvent(cluster, @event.Services), cancellationToken).ConfigureAwait(false);
        await @event.Notifications.PublishUpdateAsync(cluster, s => s with
        {
            State = KnownResourceStates.Running,
            StartTimeStamp = DateTime.UtcNow,
        }).ConfigureAwait(false);
    }
}
