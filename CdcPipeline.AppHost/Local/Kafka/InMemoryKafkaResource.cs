using Aspire.Hosting.ApplicationModel;

namespace CdcPipeline.AppHost.Local.Kafka;

/// <summary>
/// A Kafka cluster of <see cref="BrokerCount"/> brokers in the AppHost's memory (librdkafka's mock cluster). Its
/// connection string is the bootstrap list of every broker, known once the brokers listen.
/// </summary>
internal sealed class InMemoryKafkaResource : Resource, IResourceWithConnectionString
{
    public const string ResourceType = "Kafka (in-memory)";

    internal InMemoryKafkaResource(string name, int brokerCount) : base(name)
    {
        BrokerCount = brokerCount;
        BootstrapServers = new StartedValue($"{{{name}.bootstrapServers}}");
    }

    public int BrokerCount { get; }

    /// <summary>The running cluster; null until it has started.</summary>
    public MockKafkaCluster? Cluster { get; internal set; }

    internal StartedValue BootstrapServers { get; }

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create($"{BootstrapServers}");
}
