using Aspire.Hosting.ApplicationModel;

namespace CdcPipeline.AppHost.Kafka;

/// <summary>
/// One combined broker + controller node of the KRaft cluster.
/// </summary>
/// <remarks>
/// Only the host listener is an Aspire endpoint. DCP publishes every endpoint of a container on the host (a port
/// mapping plus, when proxied, a localhost proxy: <c>DcpExecutor.BuildContainerPorts</c>), and a host client sent to
/// the internal listener would be redirected to <c>kafka-N:9092</c>, a name the host cannot resolve. The internal and
/// controller listeners need no endpoint: every container joins Aspire's container network under its resource name
/// (<c>DcpExecutor</c>: network aliases), so <c>kafka-N:9092</c> and <c>kafka-N:9093</c> reach them there.
/// </remarks>
/// <param name="name">The resource name, also the host name other containers use (<c>kafka-1</c>).</param>
/// <param name="nodeId">The KRaft node id, unique in the cluster.</param>
internal sealed class KafkaBrokerResource(string name, int nodeId) : ContainerResource(name)
{
    /// <summary>Listener for processes on the host (the services), advertised with its allocated host port.</summary>
    public const string HostEndpointName = "tcp";

    public const int HostListenerPort = 9094;

    /// <summary>Listener for containers (Debezium, Kafka UI) and for replication between brokers; container network only.</summary>
    public const int InternalListenerPort = 9092;

    /// <summary>Listener of the KRaft controller quorum; container network only.</summary>
    public const int ControllerListenerPort = 9093;

    /// <summary>Where Kafka keeps its log segments and the metadata log; the persistent volume is mounted here.</summary>
    public const string DataDirectory = "/var/lib/kafka/data";

    private EndpointReference? _hostEndpoint;

    public int NodeId { get; } = nodeId;

    /// <summary>
    /// The host listener as processes on the host reach it (allocated host port), wherever it is resolved: also
    /// in the broker's own environment, where an unqualified reference would resolve in the container network
    /// (<c>kafka-N:9094</c>).
    /// </summary>
    public EndpointReference HostEndpoint => _hostEndpoint ??= new(this, HostEndpointName, KnownNetworkIdentifiers.LocalhostNetwork);

    /// <summary><c>kafka-N:9092</c>: how containers on the Aspire network reach this broker.</summary>
    public string InternalAddress => $"{Name}:{InternalListenerPort}";

    /// <summary>This node's entry in <c>controller.quorum.voters</c>: <c>id@kafka-N:9093</c>.</summary>
    public string QuorumVoter => $"{NodeId}@{Name}:{ControllerListenerPort}";
}
