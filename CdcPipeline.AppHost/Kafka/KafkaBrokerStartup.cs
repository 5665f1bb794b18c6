namespace CdcPipeline.AppHost.Kafka;

/// <summary>
/// How a broker container starts: the AppHost, not the image's wrapper, formats the storage, then starts Kafka.
/// </summary>
/// <remarks>
/// The image's entrypoint (<c>/etc/kafka/docker/run</c>) turns <c>KAFKA_*</c> variables into server.properties and
/// formats the storage through <c>KafkaDockerWrapper setup</c>; Kafka 4.0 changed that format step (KAFKA-18737), and
/// a node formatted with <c>--standalone</c> reads a voter set of only itself from its log and forms a quorum of one
/// even with static <c>controller.quorum.voters</c> (KAFKA-19489: StorageTool accepts both). This startup does not
/// depend on what the wrapper of a given image does: it writes server.properties from the container's arguments
/// (one <c>key=value</c> each, from <see cref="KafkaBrokerProperties"/>), formats the data directory with
/// <c>kafka-storage.sh format</c> and the static voters only (never <c>--standalone</c> or
/// <c>--initial-controllers</c>: the three nodes share one static quorum), skips a directory already formatted
/// (<c>--ignore-formatted</c>, so the persistent volume keeps its data), then replaces itself with
/// <c>kafka-server-start.sh</c>. Both scripts ship in every Kafka distribution under <c>bin/</c>.
/// </remarks>
internal static class KafkaBrokerStartup
{
    /// <summary>Where the Kafka distribution lives in <c>apache/kafka</c> images.</summary>
    public const string ImageKafkaHome = "/opt/kafka";

    /// <summary>Where the startup writes server.properties (writable by the image's user, outside every volume).</summary>
    public const string ImageConfigDirectory = "/tmp/cdc-kafka";

    public const string Entrypoint = "/bin/sh";

    /// <summary>The environment variable holding the KRaft cluster id every node is formatted with.</summary>
    public const string ClusterIdVariable = "CLUSTER_ID";

    /// <summary>
    /// The POSIX shell script run by <c>sh -c</c>; its positional arguments are the server properties.
    /// </summary>
    public static string Script(string kafkaHome, string configDirectory) => $$"""
        set -eu
        config={{configDirectory}}/server.properties
        mkdir -p {{configDirectory}}
        printf '%s\n' "$@" > "$config"
        echo "cdc-pipeline: formatting the storage of node $(sed -n 's/^node.id=//p' "$config") for cluster ${{{ClusterIdVariable}}} with the static controller.quorum.voters (no --standalone); a formatted directory is kept"
        {{kafkaHome}}/bin/kafka-storage.sh format --cluster-id "${{{ClusterIdVariable}}}" --config "$config" --ignore-formatted
        exec {{kafkaHome}}/bin/kafka-server-start.sh "$config"
        """;

    /// <summary>The container arguments before the properties: <c>-c &lt;script&gt; &lt;$0&gt;</c>.</summary>
    public static IReadOnlyList<string> ArgumentsBeforeProperties(string kafkaHome = ImageKafkaHome, string configDirectory = ImageConfigDirectory) =>
        ["-c", Script(kafkaHome, configDirectory), "kafka-broker"];
}
