using System.Globalization;
using CdcPipeline.Tests.Infrastructure.Kafka;
using Confluent.Kafka;

namespace CdcPipeline.Tests.Consumer;

/// <summary>A test's own topics, dead-letter topics, consumer group and database, with the settings that point the Consumer at them.</summary>
internal sealed record ConsumerTestSetup(
    KafkaTestClient Kafka, string DatabaseConnectionString, string UsersTopic, string OrdersTopic, string GroupId)
{
    public const int UserPartitions = 3;
    public const int OrderPartitions = 5;

    public string UsersDeadLetterTopic => UsersTopic + ".dlq";

    public string OrdersDeadLetterTopic => OrdersTopic + ".dlq";

    public static Task<ConsumerTestSetup> CreateAsync(KafkaFixture kafka, string databaseConnectionString) =>
        CreateAsync(kafka.Client, databaseConnectionString);

    public static async Task<ConsumerTestSetup> CreateAsync(KafkaTestClient kafka, string databaseConnectionString)
    {
        var setup = new ConsumerTestSetup(
            kafka, databaseConnectionString, KafkaFixture.UniqueTopic("users"), KafkaFixture.UniqueTopic("orders"),
            KafkaFixture.UniqueTopic("cdc-consumer"));
        await kafka.CreateTopicAsync(setup.UsersTopic, UserPartitions);
        await kafka.CreateTopicAsync(setup.OrdersTopic, OrderPartitions);
        await kafka.CreateTopicAsync(setup.UsersDeadLetterTopic, 1);
        await kafka.CreateTopicAsync(setup.OrdersDeadLetterTopic, 1);
        return setup;
    }

    public Dictionary<string, string?> Settings(IDictionary<string, string?>? overrides = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:kafka"] = Kafka.BootstrapServers,
            ["ConnectionStrings:cdcdb"] = DatabaseConnectionString,
            ["Consumer:Topics:Users"] = UsersTopic,
            ["Consumer:Topics:Orders"] = OrdersTopic,
            ["Consumer:GroupId"] = GroupId,
            ["Consumer:BatchSize"] = "200",
            ["Consumer:BatchTimeout"] = "00:00:00.050",
            ["Consumer:MissingUserRetryBudget"] = "00:00:30",
            ["Consumer:MissingUserRetryDelay"] = "00:00:00.050",
            ["Consumer:DatabaseRetryMaxDelay"] = "00:00:00.500",
            ["Aspire:Confluent:Kafka:Consumer:Config:session.timeout.ms"] = Kafka.SessionTimeoutMs.ToString(CultureInfo.InvariantCulture),
            ["Aspire:Confluent:Kafka:Consumer:Config:heartbeat.interval.ms"] = "500",
            ["Aspire:Confluent:Kafka:Consumer:Config:auto.commit.interval.ms"] = "200",
            ["Aspire:Confluent:Kafka:Consumer:Config:topic.metadata.refresh.interval.ms"] = "1000",
            ["Aspire:Confluent:Kafka:Consumer:Config:statistics.interval.ms"] = "1000",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>The same settings as environment variables, for a Consumer started as its own process.</summary>
    public Dictionary<string, string?> EnvironmentVariables(IDictionary<string, string?>? overrides = null) =>
        Settings(overrides).ToDictionary(entry => entry.Key.Replace(":", "__", StringComparison.Ordinal), entry => entry.Value);

    /// <summary>Every partition of both topics with its high watermark ("topic/partition=offset", ordered).</summary>
    public Task<IReadOnlyList<string>> HighWatermarksAsync() => Task.Run<IReadOnlyList<string>>(() =>
    {
        using var reader = new ConsumerBuilder<byte[]?, byte[]?>(Kafka.ConsumerConfig(GroupId)).Build();
        return Partitions()
            .Select(partition => $"{partition}={reader.QueryWatermarkOffsets(partition, TimeSpan.FromSeconds(10)).High.Value}")
            .Order(StringComparer.Ordinal)
            .ToList();
    });

    /// <summary>The offsets the consumer group committed for every partition of both topics, as <see cref="HighWatermarksAsync"/>.</summary>
    public Task<IReadOnlyList<string>> CommittedOffsetsAsync() => Task.Run<IReadOnlyList<string>>(() =>
    {
        using var reader = new ConsumerBuilder<byte[]?, byte[]?>(Kafka.ConsumerConfig(GroupId)).Build();
        return reader.Committed(Partitions(), TimeSpan.FromSeconds(10))
            .Select(committed => $"{committed.TopicPartition}={committed.Offset.Value}")
            .Order(StringComparer.Ordinal)
            .ToList();
    });

    /// <summary>The offset the consumer group committed for each partition of the orders topic, by partition (negative: none).</summary>
    public Task<long[]> CommittedOrderOffsetsAsync() => Task.Run(() =>
    {
        using var reader = new ConsumerBuilder<byte[]?, byte[]?>(Kafka.ConsumerConfig(GroupId)).Build();
        return reader.Committed(Enumerable.Range(0, OrderPartitions).Select(p => new TopicPartition(OrdersTopic, p)), TimeSpan.FromSeconds(10))
            .OrderBy(committed => committed.Partition.Value)
            .Select(committed => committed.Offset.Value)
            .ToArray();
    });

    private List<TopicPartition> Partitions() =>
        Enumerable.Range(0, UserPartitions).Select(p => new TopicPartition(UsersTopic, p))
            .Concat(Enumerable.Range(0, OrderPartitions).Select(p => new TopicPartition(OrdersTopic, p)))
            .ToList();

    public Task ProduceUserAsync(string key, string json) => Kafka.ProduceAsync(UsersTopic, key, json);

    public Task ProduceOrderAsync(string key, string json) => Kafka.ProduceAsync(OrdersTopic, key, json);
}
