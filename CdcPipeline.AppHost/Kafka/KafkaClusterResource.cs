using Aspire.Hosting.ApplicationModel;

namespace CdcPipeline.AppHost.Kafka;

/// <summary>
/// A KRaft cluster of <see cref="KafkaBrokerResource"/> nodes. Its connection string is the bootstrap
/// list of the brokers' host listeners, so a service referencing <c>kafka</c> can reach every broker.
/// </summary>
internal sealed class KafkaClusterResource(string name, string clusterId) : Resource(name), IResourceWithConnectionString
{
    private readonly List<KafkaBrokerResource> _brokers = [];

    /// <summary>The KRaft cluster id every node is formatted with.</summary>
    public string ClusterId { get; } = clusterId;

    public IReadOnlyList<KafkaBrokerResource> Brokers => _brokers;

    /// <summary><c>1@kafka-1:9093,2@kafka-2:9093,...</c>: the static controller quorum.</summary>
    public string QuorumVoters => string.Join(',', _brokers.Select(b => b.QuorumVoter));

    /// <summary><c>kafka-1:9092,kafka-2:9092,...</c>: the bootstrap list for containers.</summary>
    public string InternalBootstrapServers => string.Join(',', _brokers.Select(b => b.InternalAddress));

    /// <summary>The bootstrap list for host processes: every broker's host listener, comma separated.</summary>
    public ReferenceExpression ConnectionStringExpression
    {
        get
        {
            var builder = new ReferenceExpressionBuilder();
            for (var i = 0; i < _brokers.Count; i++)
            {
                if (i > 0)
                {
                    builder.AppendLiteral(",");
                }

                builder.Append($"{_brokers[i].HostEndpoint.Property(EndpointProperty.HostAndPort)}");
            }

            return builder.Build();
        }
    }

    internal void AddBroker(KafkaBrokerResource broker) => _brokers.Add(broker);
}
