using System.Text;
using CdcPipeline.AppHost.Local.Kafka;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace CdcPipeline.Tests.Infrastructure.Kafka;

/// <summary>
/// What tests need from a Kafka cluster (mock or real): topics, producing, and reading a topic back from the
/// beginning of every partition with bounded waits.
/// </summary>
public sealed class KafkaTestClient : IDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);
    private readonly Lazy<IProducer<byte[]?, byte[]?>> producer;
    private readonly MockKafkaCluster? mock;

    public KafkaTestClient(string bootstrapServers, MockKafkaCluster? mock = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(bootstrapServers);
        BootstrapServers = bootstrapServers;
        this.mock = mock;
        producer = new Lazy<IProducer<byte[]?, byte[]?>>(
            () => new ProducerBuilder<byte[]?, byte[]?>(ProducerConfig()).SetLogHandler(IgnoreLog).Build());
    }

    public KafkaTestClient(MockKafkaCluster mock)
        : this(mock.BootstrapServers, mock)
    {
    }

    public string BootstrapServers { get; }

    public bool IsMock => mock is not null;

    /// <summary>Session timeout of test consumer groups: low, so joins and leaves settle quickly.</summary>
    public int SessionTimeoutMs => IsMock ? 3000 : 6000;

    /// <summary>A topic name no other test uses: <c>{prefix}-{random}</c>.</summary>
    public static string UniqueTopic(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    public async Task CreateTopicAsync(string name, int partitions, int replicationFactor = 3)
    {
        if (mock is not null)
        {
            mock.CreateTopic(name, partitions, replicationFactor);
            return;
        }

        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = BootstrapServers }).SetLogHandler(IgnoreLog).Build();
        var brokers = admin.GetMetadata(RequestTimeout).Brokers.Count;
        try
        {
            await admin.CreateTopicsAsync(
                [new TopicSpecification { Name = name, NumPartitions = partitions, ReplicationFactor = (short)Math.Min(replicationFactor, brokers) }],
                new CreateTopicsOptions { RequestTimeout = RequestTimeout, OperationTimeout = RequestTimeout });
        }
        catch (CreateTopicsException e) when (e.Results.All(r => r.Error.Code is ErrorCode.NoError or ErrorCode.TopicAlreadyExists))
        {
            // Idempotent: an existing topic is what the caller wanted.
        }
    }

    /// <summary>Producer settings for this cluster: idempotent, acks from all in-sync replicas.</summary>
    public ProducerConfig ProducerConfig() => new()
    {
        BootstrapServers = BootstrapServers,
        Acks = Acks.All,
        EnableIdempotence = true,
        LingerMs = 1,
    };

    /// <summary>Consumer settings for a group on this cluster: earliest offsets, low session timeout.</summary>
    public ConsumerConfig ConsumerConfig(string groupId) => new()
    {
        BootstrapServers = BootstrapServers,
        GroupId = groupId,
        AutoOffsetReset = AutoOffsetReset.Earliest,
        SessionTimeoutMs = SessionTimeoutMs,
        HeartbeatIntervalMs = 500,
        TopicMetadataRefreshIntervalMs = 1000,
    };

    public Task<DeliveryResult<byte[]?, byte[]?>> ProduceAsync(
        string topic, string? key, string? value, IEnumerable<KeyValuePair<string, string>>? headers = null, int? partition = null) =>
        ProduceRawAsync(
            topic,
            key is null ? null : Encoding.UTF8.GetBytes(key),
            value is null ? null : Encoding.UTF8.GetBytes(value),
            headers?.Select(h => new KeyValuePair<string, byte[]>(h.Key, Encoding.UTF8.GetBytes(h.Value))),
            partition);

    public Task<DeliveryResult<byte[]?, byte[]?>> ProduceRawAsync(
        string topic, byte[]? key, byte[]? value, IEnumerable<KeyValuePair<string, byte[]>>? headers = null,
        int? partition = null)
    {
        var message = new Message<byte[]?, byte[]?> { Key = key, Value = value, Headers = [] };
        foreach (var header in headers ?? [])
        {
            message.Headers.Add(header.Key, header.Value);
        }

        return partition is { } p
            ? producer.Value.ProduceAsync(new TopicPartition(topic, p), message)
            : producer.Value.ProduceAsync(topic, message);
    }

    /// <summary>
    /// Reads <paramref name="topic"/> from the beginning of all its partitions until <paramref name="expectedCount"/>
    /// messages were read or <paramref name="timeout"/> passed, and returns what was read (ordered by partition and
    /// offset); the caller asserts on the count.
    /// </summary>
    public Task<IReadOnlyList<KafkaRecord>> ConsumeAllAsync(string topic, int expectedCount, TimeSpan timeout) =>
        Task.Run(() =>
        {
            var deadline = DateTime.UtcNow + timeout;
            return Read(WaitForPartitions(topic, deadline), deadline, (records, _) => records.Count >= expectedCount);
        });

    /// <summary>
    /// Reads everything <paramref name="topic"/> holds now: every partition up to its high watermark taken at the
    /// start. Exact for "which messages are there" assertions, without waiting for a count. A topic that does not
    /// exist reads as empty.
    /// </summary>
    public Task<IReadOnlyList<KafkaRecord>> ReadToEndAsync(string topic, TimeSpan timeout) =>
        Task.Run(() =>
        {
            var deadline = DateTime.UtcNow + timeout;
            var partitions = WaitForPartitions(topic, DateTime.UtcNow);
            Dictionary<int, long> ends;
            using (var consumer = BuildReader())
            {
                ends = partitions.ToDictionary(
                    p => p.Partition.Value,
                    p => consumer.QueryWatermarkOffsets(p, RequestTimeout).High.Value);
            }

            return Read(partitions, deadline, (_, positions) =>
                ends.All(end => end.Value <= 0 || (positions.TryGetValue(end.Key, out var next) && next >= end.Value)));
        });

    private IReadOnlyList<KafkaRecord> Read(
        List<TopicPartition> partitions, DateTime deadline, Func<List<KafkaRecord>, Dictionary<int, long>, bool> done)
    {
        var records = new List<KafkaRecord>();
        var positions = new Dictionary<int, long>();
        if (partitions.Count == 0)
        {
            return records;
        }

        using var consumer = BuildReader();
        consumer.Assign(partitions.Select(p => new TopicPartitionOffset(p, Offset.Beginning)));
        while (!done(records, positions) && DateTime.UtcNow < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result is null || result.IsPartitionEOF)
            {
                continue;
            }

            records.Add(KafkaRecord.From(result));
            positions[result.Partition.Value] = result.Offset.Value + 1;
        }

        consumer.Close();
        return records.OrderBy(r => r.Partition).ThenBy(r => r.Offset).ToArray();
    }

    /// <summary>The topic's partitions, waiting (bounded) for a topic that is about to be auto-created.</summary>
    private List<TopicPartition> WaitForPartitions(string topic, DateTime deadline)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = BootstrapServers }).SetLogHandler(IgnoreLog).Build();
        while (true)
        {
            // Metadata of all topics: asking for one by name could auto-create it.
            var metadata = admin.GetMetadata(RequestTimeout).Topics.FirstOrDefault(t => t.Topic == topic);
            if (metadata is { Error.IsError: false, Partitions.Count: > 0 })
            {
                return metadata.Partitions.Select(p => new TopicPartition(topic, p.PartitionId)).ToList();
            }

            if (DateTime.UtcNow >= deadline)
            {
                return [];
            }

            Thread.Sleep(100);
        }
    }

    private IConsumer<byte[]?, byte[]?> BuildReader() =>
        new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = BootstrapServers,
            GroupId = $"test-reader-{Guid.NewGuid():N}",
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
        }).SetLogHandler(IgnoreLog).Build();

    // Connection logs of test clients only clutter the output; tests assert on outcomes.
    private static void IgnoreLog(IClient client, LogMessage message)
    {
    }

    public void Dispose()
    {
        if (producer.IsValueCreated)
        {
            producer.Value.Flush(RequestTimeout);
            producer.Value.Dispose();
        }
    }
}
