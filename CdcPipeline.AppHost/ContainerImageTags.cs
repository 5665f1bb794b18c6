namespace CdcPipeline.AppHost;

/// <summary>
/// Every container image of the pipeline, pinned in one place. Never a floating tag.
/// </summary>
internal static class ContainerImageTags
{
    public const string DockerHubRegistry = "docker.io";

    public const string KafkaImage = "apache/kafka";
    public const string KafkaTag = "4.1.0";

    /// <summary>PostgreSQL 17: inside the range the pinned Debezium release supports (14-18).</summary>
    public const string PostgresImage = "library/postgres";
    public const string PostgresTag = "17.6";

    public const string DebeziumRegistry = "quay.io";
    public const string DebeziumConnectImage = "debezium/connect";

    /// <summary>
    /// The tag debezium/container-images' <c>connect/3.6/Dockerfile</c> builds (<c>DEBEZIUM_VERSION="3.6.0.Final"</c>),
    /// so an image of that tag exists; the 3.6 line's Kafka is 4.3.0 (<c>kafka/3.6/Dockerfile</c>), whose Connect has
    /// <c>/health</c>. 3.6.1.Final changes nothing the PostgreSQL connector writes except <c>source.version</c>.
    /// </summary>
    public const string DebeziumConnectTag = "3.6.0.Final";

    public const string CassandraImage = "library/cassandra";
    public const string CassandraTag = "5.0.6";

    public const string KafkaUiImage = "kafbat/kafka-ui";
    public const string KafkaUiTag = "v1.5.0";
}
