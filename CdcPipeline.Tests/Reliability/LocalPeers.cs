using System.Security.Cryptography;
using CdcPipeline.AppHost.Capture;
using CdcPipeline.AppHost.Debezium;
using CdcPipeline.AppHost.Kafka;
using CdcPipeline.AppHost.Local.Cassandra;
using CdcPipeline.AppHost.Local.Kafka;
using CdcPipeline.Tests.Infrastructure.Postgres;

namespace CdcPipeline.Tests.Reliability;

/// <summary>
/// The local profile's peers, owned by one fault run: a PostgreSQL cluster of its own (so it can be restarted) that
/// requires a password, the mock Kafka cluster of three brokers with every pipeline topic created up front, and the
/// in-memory CQL server with PasswordAuthenticator — as <c>dotnet run --project CdcPipeline.AppHost</c> starts them.
/// </summary>
internal sealed class LocalPeers : IAsyncDisposable
{
    public const int Brokers = 3;

    private LocalPeers(LocalPostgresCluster postgres, string database, MockKafkaCluster kafka, InMemoryCqlServer cql, CaptureSettings capture, string postgresPassword)
    {
        Postgres = postgres;
        DatabaseConnectionString = database;
        Kafka = kafka;
        Cql = cql;
        Capture = capture;
        Topics = new PipelineTopics(capture);
        PostgresPassword = postgresPassword;
    }

    public LocalPostgresCluster Postgres { get; }

    /// <summary>The <c>cdcdb</c> connection string the Consumer and the Capture get.</summary>
    public string DatabaseConnectionString { get; }

    public MockKafkaCluster Kafka { get; }

    public InMemoryCqlServer Cql { get; }

    public CaptureSettings Capture { get; }

    public PipelineTopics Topics { get; }

    public string PostgresPassword { get; }

    /// <summary>Every secret the services were given, for checking that none of them leaks.</summary>
    public IReadOnlyList<string> Secrets => [PostgresPassword, Cql.Password!];

    public static async Task<LocalPeers> StartAsync()
    {
        var postgresPassword = NewPassword();
        var postgres = await PostgresFixture.StartPrivateClusterAsync(postgresPassword)
            ?? throw new InvalidOperationException("No local PostgreSQL binaries for the fault run.");
        var kafka = new MockKafkaCluster(Brokers);
        var capture = CaptureSettings.FromConnector(ConnectorDefinition.Load(
            Path.Combine(SchemaScripts.RepositoryRoot(), "CdcPipeline.AppHost", "Debezium", "cdc-connector.json")));
        foreach (var topic in new PipelineTopics(capture).All)
        {
            kafka.CreateTopic(topic.Name, topic.Partitions, KafkaClusterBuilderExtensions.ReplicationFactor);
        }

        var cql = InMemoryCqlServer.Start("cassandra", NewPassword());
        return new LocalPeers(postgres, await postgres.CreateDatabaseAsync("cdc_db"), kafka, cql, capture, postgresPassword);
    }

    public async ValueTask DisposeAsync()
    {
        await Cql.DisposeAsync();
        Kafka.Dispose();
        await Postgres.DisposeAsync();
    }

    /// <summary>As the AppHost generates <c>postgres-password</c>: letters and digits, 24 characters or more.</summary>
    private static string NewPassword() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
}
