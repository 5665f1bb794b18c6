using CdcPipeline.AppHost.Local.Kafka;
using Confluent.Kafka;

namespace CdcPipeline.Tests.Infrastructure.Kafka;

/// <summary>
/// A Kafka cluster for tests: the real cluster named by environment variable
/// <c>CDC_TEST_KAFKA_BOOTSTRAP</c> when it is set, otherwise librdkafka's mock cluster with three brokers in
/// this process. Use as a class or assembly fixture; tests share it, so each uses <see cref="UniqueTopic"/>.
/// Tests that inject faults create their own <see cref="MockKafkaCluster"/>.
/// </summary>
public sealed class KafkaFixture : IAsyncLifetime
{
    public const string BootstrapEnvironmentVariable = "CDC_TEST_KAFKA_BOOTSTRAP";

    private MockKafkaCluster? mock;
    private KafkaTestClient? client;

    public string BootstrapServers => Client.BootstrapServers;

    public bool IsMock => Client.IsMock;

    /// <summary>The helpers behind this fixture, for code that takes a <see cref="KafkaTestClient"/>.</summary>
    public KafkaTestClient Client => client ?? throw new InvalidOperationException("KafkaFixture is not initialized.");

    public int SessionTimeoutMs => Client.SessionTimeoutMs;

    public ValueTask InitializeAsync()
    {
        var external = Environment.GetEnvironmentVariable(BootstrapEnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(external))
        {
            client = new KafkaTestClient(external.Trim());
        }
        else
        {
            mock = new MockKafkaCluster(brokerCount: 3);
            client = new KafkaTestClient(mock);
        }

        return ValueTask.CompletedTask;
    }

    public static string UniqueTopic(string prefix) => KafkaTestClient.UniqueTopic(prefix);

    public Task CreateTopicAsync(string name, int partitions, int replicationFactor = 3) =>
        Client.CreateTopicAsync(name, partitions, replicationFactor);

    public ProducerConfig ProducerConfig() => Client.ProducerConfig();

    public ConsumerConfig ConsumerConfig(string groupId) => Client.ConsumerConfig(groupId);

    public Task<DeliveryResult<byte[]?, byte[]?>> ProduceAsync(
        string topic, string? key, string? value, IEnumerable<KeyValuePair<string, string>>? headers = null, int? partition = null) =>
        Client.ProduceAsync(topic, key, value, headers, partition);

    public Task<DeliveryResult<byte[]?, byte[]?>> ProduceRawAsync(
        string topic, byte[]? key, byte[]? value, IEnumerable<KeyValuePair<string, byte[]>>? headers = null,
        int? partition = null) =>
        Client.ProduceRawAsync(topic, key, value, headers, partition);

    /// <inheritdoc cref="KafkaTestClient.ConsumeAllAsync"/>
    public Task<IReadOnlyList<KafkaRecord>> ConsumeAllAsync(string topic, int expectedCount, TimeSpan timeout) =>
        Client.ConsumeAllAsync(topic, expectedCount, timeout);

    /// <inheritdoc cref="KafkaTestClient.ReadToEndAsync"/>
    public Task<IReadOnlyList<KafkaRecord>> ReadToEndAsync(string topic, TimeSpan timeout) =>
        Client.ReadToEndAsync(topic, timeout);

    public ValueTask DisposeAsync()
    {
        client?.Dispose();
        mock?.Dispose();
        return ValueTask.CompletedTask;
    }
}
