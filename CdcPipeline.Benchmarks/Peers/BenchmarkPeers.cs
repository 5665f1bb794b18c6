using CdcPipeline.AppHost.Local.Cassandra;
using CdcPipeline.AppHost.Local.Kafka;
using CdcPipeline.AppHost.Local.Postgres;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Npgsql;

namespace CdcPipeline.Benchmarks.Peers;

/// <summary>
/// Kafka, PostgreSQL and Cassandra for one run: the ones given by <c>--bootstrap</c>, <c>--postgres</c>,
/// <c>--cassandra</c>, else the local profile's stand-ins started here (mock Kafka cluster of 3 brokers, a PostgreSQL
/// of this machine, the in-memory CQL server), stopped on dispose.
/// </summary>
internal sealed class BenchmarkPeers : IAsyncDisposable
{
    private const int ReplicationFactor = 3;

    private readonly MockKafkaCluster? _mockKafka;
    private readonly LocalPostgresServer? _localPostgres;
    private readonly InMemoryCqlServer? _cqlServer;
    private readonly string _postgres;

    private BenchmarkPeers(MockKafkaCluster? mockKafka, string bootstrap, LocalPostgresServer? localPostgres, string postgres, InMemoryCqlServer? cqlServer, string cassandra)
    {
        _mockKafka = mockKafka;
        _localPostgres = localPostgres;
        _cqlServer = cqlServer;
        _postgres = postgres;
        Bootstrap = bootstrap;
        Cassandra = cassandra;
    }

    public string Bootstrap { get; }

    /// <summary>The <c>cassandra</c> connection string form: <c>Contact Points=...;Port=...</c>.</summary>
    public string Cassandra { get; }

    /// <summary>What runs where, for the report.</summary>
    public string Description =>
        $"Kafka: {(_mockKafka is null ? "given" : "librdkafka mock cluster (3 brokers, in this process)")}; " +
        $"PostgreSQL: {(_localPostgres is null ? "given" : PostgresInstallation.Find()?.ToString() ?? "local")}; " +
        $"Cassandra: {(_cqlServer is null ? "given" : "in-memory CQL server (in this process)")}";

    /// <summary>Retention matters only for the mock: it keeps about 5 MiB per partition.</summary>
    public bool IsMockKafka => _mockKafka is not null;

    public static async Task<BenchmarkPeers> StartAsync(BenchmarkOptions options, CancellationToken cancellationToken)
    {
        MockKafkaCluster? kafka = null;
        LocalPostgresServer? postgres = null;
        InMemoryCqlServer? cql = null;
        try
        {
            kafka = options.Bootstrap is null ? new MockKafkaCluster(3) : null;
            postgres = options.Postgres is null ? await LocalPostgresServer.StartAsync(cancellationToken) : null;
            cql = options.Cassandra is null ? InMemoryCqlServer.Start() : null;
            return new BenchmarkPeers(
                kafka, options.Bootstrap ?? kafka!.BootstrapServers,
                postgres, options.Postgres ?? postgres!.ConnectionString,
                cql, options.Cassandra ?? cql!.ConnectionString);
        }
        catch
        {
            kafka?.Dispose();
            if (postgres is not null)
            {
                await postgres.DisposeAsync();
            }

            if (cql is not null)
            {
                await cql.DisposeAsync();
            }

            throw;
        }
    }

    public async Task CreateTopicAsync(string name, int partitions)
    {
        if (_mockKafka is not null)
        {
            _mockKafka.CreateTopic(name, partitions, ReplicationFactor);
            return;
        }

        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = Bootstrap }).Build();
        try
        {
            await admin.CreateTopicsAsync([new TopicSpecification { Name = name, NumPartitions = partitions, ReplicationFactor = ReplicationFactor }]);
        }
        catch (CreateTopicsException e) when (e.Results.All(r => r.Error.Code is ErrorCode.NoError or ErrorCode.TopicAlreadyExists))
        {
            // Left from an earlier run with the same name: the run names its topics uniquely, so this is rare.
        }
    }

    /// <summary>A new database with the pipeline's schema (<c>sql/postgres</c>), as the AppHost creates <c>cdc_db</c>.</summary>
    public async Task<string> CreateDatabaseAsync(string name, CancellationToken cancellationToken)
    {
        var scripts = Path.Combine(AppContext.BaseDirectory, "sql", "postgres");
        await PostgresSchema.EnsureAsync(_postgres, name, scripts, cancellationToken);
        return new NpgsqlConnectionStringBuilder(_postgres) { Database = name }.ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        if (_cqlServer is not null)
        {
            await _cqlServer.DisposeAsync();
        }

        if (_localPostgres is not null)
        {
            await _localPostgres.DisposeAsync();
        }

        _mockKafka?.Dispose();
    }
}
