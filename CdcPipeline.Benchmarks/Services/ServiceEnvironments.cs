using System.Globalization;
using CdcPipeline.AppHost.Capture;
using CdcPipeline.AppHost.Debezium;

namespace CdcPipeline.Benchmarks.Services;

/// <summary>
/// The environment each service gets, as the AppHost gives it (connection strings <c>kafka</c>, <c>cdcdb</c>,
/// <c>cassandra</c>; the capture's settings from the connector file), with the names this run chose. Consumer and
/// sink commit offsets every 200 ms instead of librdkafka's 5 s, so their progress can be read from their group.
/// </summary>
internal static class ServiceEnvironments
{
    private const string CommitInterval = "200";

    private static readonly CaptureSettings s_connector = CaptureSettings.FromConnector(
        ConnectorDefinition.Load(Path.Combine(AppContext.BaseDirectory, "Debezium", "cdc-connector.json")));

    public static string CdcTopic(string prefix, string table) => $"{prefix}.public.{table}";

    public static string HeartbeatTopic(string prefix) => $"{CaptureSettings.DefaultHeartbeatTopicPrefix}.{prefix}";

    public static string OffsetsTopic => CaptureSettings.OffsetsTopic;

    public static Dictionary<string, string> ProducerOnce(string kafka, EventTopics topics, int seed, int users, int orders) =>
        new(Producer(kafka, topics, seed))
        {
            ["Producer__Mode"] = "once",
            ["Producer__Users"] = Text(users),
            ["Producer__Orders"] = Text(orders),
        };

    public static Dictionary<string, string> ProducerContinuous(string kafka, EventTopics topics, int seed, int eventsPerSecond) =>
        new(Producer(kafka, topics, seed))
        {
            ["Producer__Mode"] = "continuous",
            ["Producer__EventsPerSecond"] = Text(eventsPerSecond),
            ["Producer__ProgressInterval"] = "00:00:01",
        };

    public static Dictionary<string, string> Consumer(string kafka, string database, EventTopics topics, string groupId) => new()
    {
        ["ConnectionStrings__kafka"] = kafka,
        ["ConnectionStrings__cdcdb"] = database,
        ["Consumer__Topics__Users"] = topics.Users,
        ["Consumer__Topics__Orders"] = topics.Orders,
        ["Consumer__GroupId"] = groupId,
        ["Aspire__Confluent__Kafka__Consumer__Config__auto.commit.interval.ms"] = CommitInterval,
    };

    public static Dictionary<string, string> Capture(string kafka, string database, string topicPrefix, string slot, bool snapshot)
    {
        var settings = s_connector with { TopicPrefix = topicPrefix, SlotName = slot };
        var environment = new Dictionary<string, string>(settings.EnvironmentVariables)
        {
            ["ConnectionStrings__kafka"] = kafka,
            ["ConnectionStrings__cdcdb"] = database,
            ["Capture__SnapshotMode"] = snapshot ? "Initial" : "NoData",
        };
        return environment;
    }

    public static Dictionary<string, string> Sink(string kafka, string cassandra, string topicPrefix, string groupId, string keyspace) => new()
    {
        ["ConnectionStrings__kafka"] = kafka,
        ["ConnectionStrings__cassandra"] = cassandra,
        ["CassandraSink__TopicPrefix"] = topicPrefix,
        ["CassandraSink__ConsumerGroup"] = groupId,
        ["CassandraSink__Keyspace"] = keyspace,
        ["Aspire__Confluent__Kafka__Consumer__Config__auto.commit.interval.ms"] = CommitInterval,
    };

    private static Dictionary<string, string> Producer(string kafka, EventTopics topics, int seed) => new()
    {
        ["ConnectionStrings__kafka"] = kafka,
        ["Producer__Seed"] = Text(seed),
        ["Producer__Topics__Users__Name"] = topics.Users,
        ["Producer__Topics__Users__Partitions"] = Text(topics.UserPartitions),
        ["Producer__Topics__Orders__Name"] = topics.Orders,
        ["Producer__Topics__Orders__Partitions"] = Text(topics.OrderPartitions),
    };

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The Producer's two topics (the Consumer's input) and their partition counts.</summary>
internal sealed record EventTopics(string Users, int UserPartitions, string Orders, int OrderPartitions)
{
    public Kafka.TopicSet Set => Kafka.TopicSet.Of((Users, UserPartitions), (Orders, OrderPartitions));
}
