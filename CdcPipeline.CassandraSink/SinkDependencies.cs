using CdcPipeline.ServiceDefaults.Cassandra;
using CdcPipeline.ServiceDefaults.Kafka;
using CdcPipeline.ServiceDefaults.Outages;

namespace CdcPipeline.CassandraSink;

/// <summary>What the sink's retried work depends on, named as its outages are logged (<c>Cassandra at localhost:9042</c>).</summary>
internal sealed record SinkDependencies(string Cassandra, string DeadLetterKafka)
{
    public static SinkDependencies From(CassandraClientSettings cassandra, KafkaDeadLetterSettings deadLetters) => new(
        DependencyOutages.Name("Cassandra", string.Join(",", cassandra.ContactPoints.Select(host => $"{host}:{cassandra.Port}"))),
        DependencyOutages.Name("Kafka", deadLetters.Config.BootstrapServers));
}
