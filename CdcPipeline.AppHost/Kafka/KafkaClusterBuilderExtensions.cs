using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CdcPipeline.AppHost.Kafka;

public static class KafkaClusterBuilderExtensions
{
    /// <summary>A fixed KRaft cluster id (base64 of 16 bytes): the persistent volumes stay valid across runs.</summary>
    public const string DefaultClusterId = "Y2RjLXBpcGVsaW5lLWtyYQ";

    public const int ReplicationFactor = 3;
    public const int MinInSyncReplicas = 2;
    public const int DefaultPartitions = 3;

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
            .WithEndpoint(targetPort: KafkaBrokerResource.InternalListenerPort, name: KafkaBrokerResource.InternalEndpointName)
            .WithEndpoint(targetPort: KafkaBrokerResource.ControllerListenerPort, name: KafkaBrokerResource.ControllerEndpointName)
            .WithEnvironment(context => ConfigureBroker(context, cluster.Resource, broker))
            .WithParentRelationship(cluster);

        return brokerBuilder.WithPersistentData(KafkaBrokerResource.DataDirectory);
    }

    private static void ConfigureBroker(EnvironmentCallbackContext context, KafkaClusterResource cluster, KafkaBrokerResource broker)
    {
        var env = context.EnvironmentVariables;

        env["CLUSTER_ID"] = cluster.ClusterId;
        env["KAFKA_NODE_ID"] = broker.NodeId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        env["KAFKA_PROCESS_ROLES"] = "broker,controller";
        env["KAFKA_CONTROLLER_QUORUM_VOTERS"] = cluster.QuorumVoters;
        env["KAFKA_CONTROLLER_LISTENER_NAMES"] = "CONTROLLER";
        env["KAFKA_INTER_BROKER_LISTENER_NAME"] = "INTERNAL";
        env["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"] = "INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT,HOST:PLAINTEXT";
        env["KAFKA_LISTENERS"] = string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"INTERNAL://:{KafkaBrokerResource.InternalListenerPort},CONTROLLER://:{KafkaBrokerResource.ControllerListenerPort},HOST://:{KafkaBrokerResource.HostListenerPort}");

        // Host processes reach the broker through the address Aspire allocated on the host; the broker must
        // advertise exactly that address (the one the connection string lists) or clients are redirected to an
        // unreachable one.
        env["KAFKA_ADVERTISED_LISTENERS"] = ReferenceExpression.Create(
            $"INTERNAL://{broker.InternalAddress},HOST://{broker.HostEndpoint.Property(EndpointProperty.HostAndPort)}");

        env["KAFKA_LOG_DIRS"] = KafkaBrokerResource.DataDirectory;

        var replicationFactor = ReplicationFactor.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var minIsr = MinInSyncReplicas.ToString(System.Globalization.CultureInfo.InvariantCulture);
        env["KAFKA_DEFAULT_REPLICATION_FACTOR"] = replicationFactor;
        env["KAFKA_MIN_INSYNC_REPLICAS"] = minIsr;
        env["KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"] = replicationFactor;
        env["KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR"] = replicationFactor;
        env["KAFKA_TRANSACTION_STATE_LOG_MIN_ISR"] = minIsr;
        env["KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR"] = replicationFactor;
        env["KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR"] = minIsr;
        env["KAFKA_NUM_PARTITIONS"] = DefaultPartitions.ToString(System.Globalization.CultureInfo.InvariantCulture);
        env["KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS"] = "0";
        env["KAFKA_HEAP_OPTS"] = "-Xms256m -Xmx512m";
    }

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
