using System.Globalization;
using Aspire.Hosting.ApplicationModel;

namespace CdcPipeline.AppHost.Kafka;

/// <summary>
/// The server.properties of one node: a combined broker + controller of the cluster's static KRaft quorum, with the
/// replication settings the pipeline relies on. Each entry is one container argument <c>key=value</c>
/// (see <see cref="KafkaBrokerStartup"/>).
/// </summary>
internal static class KafkaBrokerProperties
{
    public static IEnumerable<object> For(KafkaClusterResource cluster, KafkaBrokerResource broker)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(broker);

        var replicationFactor = Number(KafkaClusterBuilderExtensions.ReplicationFactor);
        var minIsr = Number(KafkaClusterBuilderExtensions.MinInSyncReplicas);

        yield return $"node.id={Number(broker.NodeId)}";
        yield return "process.roles=broker,controller";
        yield return $"controller.quorum.voters={cluster.QuorumVoters}";
        yield return "controller.listener.names=CONTROLLER";
        yield return "inter.broker.listener.name=INTERNAL";
        yield return "listener.security.protocol.map=INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT,HOST:PLAINTEXT";
        yield return $"listeners=INTERNAL://:{Number(KafkaBrokerResource.InternalListenerPort)},CONTROLLER://:{Number(KafkaBrokerResource.ControllerListenerPort)},HOST://:{Number(KafkaBrokerResource.HostListenerPort)}";

        // Host processes reach the broker through the address Aspire allocated on the host; the broker must
        // advertise exactly that address (the one the connection string lists) or clients are redirected to an
        // unreachable one.
        yield return ReferenceExpression.Create(
            $"advertised.listeners=INTERNAL://{broker.InternalAddress},HOST://{broker.HostEndpoint.Property(EndpointProperty.HostAndPort)}");

        yield return $"log.dirs={KafkaBrokerResource.DataDirectory}";
        yield return $"default.replication.factor={replicationFactor}";
        yield return $"min.insync.replicas={minIsr}";
        yield return $"offsets.topic.replication.factor={replicationFactor}";
        yield return $"transaction.state.log.replication.factor={replicationFactor}";
        yield return $"transaction.state.log.min.isr={minIsr}";
        yield return $"share.coordinator.state.topic.replication.factor={replicationFactor}";
        yield return $"share.coordinator.state.topic.min.isr={minIsr}";
        yield return $"num.partitions={Number(KafkaClusterBuilderExtensions.DefaultPartitions)}";
        yield return "group.initial.rebalance.delay.ms=0";
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
