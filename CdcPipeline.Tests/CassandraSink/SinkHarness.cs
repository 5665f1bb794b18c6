using CdcPipeline.AppHost.Local.Cassandra;
using CdcPipeline.CassandraSink;
using CdcPipeline.Tests.Infrastructure.Kafka;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CdcPipeline.Tests.CassandraSink;

/// <summary>
/// The real sink service running in-process against the Kafka fixture and its own in-memory CQL server, with
/// topics, consumer group and server unique to one test.
/// </summary>
internal sealed class SinkHarness : IAsyncDisposable
{
    public const string Keyspace = "cdc_keyspace";
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    private readonly KafkaFixture _kafka;
    private IHost? _host;

    private SinkHarness(KafkaFixture kafka, InMemoryCqlServer cassandra, string prefix)
    {
        _kafka = kafka;
        Cassandra = cassandra;
        Prefix = prefix;
    }

    public InMemoryCqlServer Cassandra { get; }

    public string Prefix { get; }

    public string UsersTopic => $"{Prefix}.public.users";

    public string OrdersTopic => $"{Prefix}.public.orders";

    public IServiceProvider Services => _host?.Services ?? throw new InvalidOperationException("The sink is not started.");

    public static async Task<SinkHarness> CreateAsync(KafkaFixture kafka, bool createTopics = true)
    {
        var harness = new SinkHarness(kafka, InMemoryCqlServer.Start(), KafkaFixture.UniqueTopic("sink"));
        if (createTopics)
        {
            await kafka.CreateTopicAsync(harness.UsersTopic, partitions: 3);
            await kafka.CreateTopicAsync(harness.OrdersTopic, partitions: 3);
        }

        return harness;
    }

    public async Task StartSinkAsync(IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? configureServices = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            EnvironmentName = Environments.Development,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:kafka"] = _kafka.BootstrapServers,
            ["ConnectionStrings:cassandra"] = Cassandra.ConnectionString,
            ["CassandraSink:TopicPrefix"] = Prefix,
            ["CassandraSink:ConsumerGroup"] = $"{Prefix}-sink",
            ["CassandraSink:BatchSize"] = "50",
            ["CassandraSink:BatchTimeout"] = "00:00:00.020",
            ["CassandraSink:RetryInitialBackoff"] = "00:00:00.050",
            ["CassandraSink:RetryMaxBackoff"] = "00:00:00.500",
            ["Aspire:Cassandra:Client:RequestTimeout"] = "00:00:05",
            ["Aspire:Cassandra:Client:ReconnectAttempts"] = "1",
            ["Aspire:Confluent:Kafka:Consumer:Config:session.timeout.ms"] = _kafka.SessionTimeoutMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Aspire:Confluent:Kafka:Consumer:Config:heartbeat.interval.ms"] = "500",
            ["Aspire:Confluent:Kafka:Consumer:Config:topic.metadata.refresh.interval.ms"] = "500",
        });
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.AddApplicationServices();
        builder.Logging.AddProvider(new TestOutputLoggerProvider(TestContext.Current.TestOutputHelper));
        configureServices?.Invoke(builder.Services);
        _host = builder.Build();
        await _host.StartAsync();
    }

    /// <summary>Stops the sink service the way a shutdown does (the consumer closes, stored offsets are committed).</summary>
    public async Task StopSinkAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync(TimeSpan.FromSeconds(15));
            _host.Dispose();
            _host = null;
        }
    }

    public async Task ProduceAsync(IEnumerable<ChangeMessage> messages)
    {
        // Idempotent producer: messages of one partition keep the order they were sent in, even in flight together.
        var deliveries = messages
            .Select(m => _kafka.ProduceRawAsync(m.Table == "users" ? UsersTopic : OrdersTopic, m.Key, m.Value))
            .ToList();
        await Task.WhenAll(deliveries);
    }

    /// <summary>Polls the CQL server until its tables hold <paramref name="expected"/>, then asserts it (bounded).</summary>
    public async Task AssertEventuallyAsync(CassandraState expected)
    {
        var deadline = DateTime.UtcNow + Timeout;
        var actual = ReadState();
        while (!actual.Equals(expected) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            actual = ReadState();
        }

        Assert.Equal(expected.Users, actual.Users);
        Assert.Equal(expected.Orders, actual.Orders);
        Assert.Equal(expected.OrdersByUser, actual.OrdersByUser);
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails naming <paramref name="what"/> when it does not in time.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.True(condition(), $"Timed out waiting for {what}.");
    }

    /// <summary>The tables' rows; empty before the sink created them.</summary>
    public CassandraState ReadState() =>
        Cassandra.Tables(Keyspace).Count < 3 ? new CassandraState([], [], []) : CassandraState.Read(Cassandra, Keyspace);

    public async ValueTask DisposeAsync()
    {
        await StopSinkAsync();
        await Cassandra.DisposeAsync();
    }
}
