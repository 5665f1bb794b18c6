using CdcPipeline.AppHost.Local.Postgres;
using CdcPipeline.AppHost.Profiles;
using Microsoft.Extensions.Configuration;
using Npgsql;

[assembly: AssemblyFixture(typeof(CdcPipeline.Tests.Infrastructure.Postgres.PostgresFixture))]

namespace CdcPipeline.Tests.Infrastructure.Postgres;

/// <summary>
/// One PostgreSQL server for the whole test assembly, with logical replication on. In order of preference:
/// the server named by <c>CDC_TEST_POSTGRES</c>, a throwaway cluster from locally installed PostgreSQL
/// binaries, a Testcontainers container when a Docker engine answers. Each test gets its own database
/// with <c>sql/postgres/*.sql</c> applied through <see cref="CreateDatabaseAsync"/>.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    public const string ConnectionStringVariable = "CDC_TEST_POSTGRES";

    private readonly System.Collections.Concurrent.ConcurrentBag<string> _databases = [];
    private IPostgresServer? _server;

    /// <summary>Where the server came from, for skip reasons and diagnostics.</summary>
    public string Source => Server.Description;

    /// <summary>Connection string of the <c>postgres</c> maintenance database.</summary>
    public string AdminConnectionString => Server.ConnectionString;

    private IPostgresServer Server => _server ?? throw new InvalidOperationException("The PostgreSQL fixture has not been initialized.");

    public async ValueTask InitializeAsync()
    {
        var external = Environment.GetEnvironmentVariable(ConnectionStringVariable);
        if (!string.IsNullOrWhiteSpace(external))
        {
            _server = new ExternalPostgresServer(external);
            return;
        }

        if (PostgresInstallation.Find() is { } installation)
        {
            _server = await LocalPostgresCluster.StartAsync(installation);
            return;
        }

        if (ContainerEngine.Probe(new ConfigurationBuilder().AddEnvironmentVariables().Build(), ContainerEngine.DefaultTimeout).Answers)
        {
            _server = await ContainerPostgresServer.StartAsync();
            return;
        }

        throw new InvalidOperationException(
            "No PostgreSQL server for the tests: set CDC_TEST_POSTGRES to a connection string of a server with " +
            $"wal_level=logical, or start a Docker engine, or: {PostgresInstallation.NotFoundMessage}");
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is ExternalPostgresServer)
        {
            // A server the fixture does not own keeps nothing of the test run.
            await TestDatabases.DropAsync(_server.ConnectionString, _databases);
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>
    /// Creates a fresh database with every <c>sql/postgres/*.sql</c> file applied in name order, as the
    /// AppHost's postgres container applies its init directory, and returns its connection string.
    /// </summary>
    public async Task<string> CreateDatabaseAsync(string prefix = "cdc_test")
    {
        var connectionString = await TestDatabases.CreateAsync(AdminConnectionString, Server.PsqlPath, prefix);
        _databases.Add(new NpgsqlConnectionStringBuilder(connectionString).Database!);
        return connectionString;
    }

    /// <summary>
    /// A cluster of its own that a test may stop and start (<see cref="LocalPostgresCluster.RestartAsync"/>)
    /// without disturbing the tests that share this fixture's server, with <paramref name="password"/> required when
    /// given. Null when no local binaries are installed.
    /// </summary>
    public static async Task<LocalPostgresCluster?> StartPrivateClusterAsync(string? password = null) =>
        PostgresInstallation.Find() is { } installation ? await LocalPostgresCluster.StartAsync(installation, password) : null;
}
