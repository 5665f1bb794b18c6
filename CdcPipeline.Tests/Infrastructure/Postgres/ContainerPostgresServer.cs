using CdcPipeline.AppHost.Local.Postgres;
using Testcontainers.PostgreSql;

namespace CdcPipeline.Tests.Infrastructure.Postgres;

/// <summary>PostgreSQL in a Testcontainers container, started with logical replication on.</summary>
internal sealed class ContainerPostgresServer : IPostgresServer
{
    private const string Image = "postgres:17.6";

    private readonly PostgreSqlContainer _container;

    private ContainerPostgresServer(PostgreSqlContainer container) => _container = container;

    public string ConnectionString => _container.GetConnectionString();

    public string Description => $"Testcontainers {Image}";

    public string? PsqlPath => PostgresInstallation.Find()?.PathOf("psql");

    public static async Task<ContainerPostgresServer> StartAsync()
    {
        var container = new PostgreSqlBuilder(Image)
            .WithDatabase("postgres")
            .WithCommand("-c", "wal_level=logical", "-c", "max_replication_slots=20", "-c", "max_wal_senders=20",
                "-c", "max_connections=300", "-c", "fsync=off")
            .Build();
        await container.StartAsync();
        return new ContainerPostgresServer(container);
    }

    public ValueTask DisposeAsync() => _container.DisposeAsync();
}
