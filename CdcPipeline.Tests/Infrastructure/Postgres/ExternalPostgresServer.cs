using CdcPipeline.AppHost.Local.Postgres;

namespace CdcPipeline.Tests.Infrastructure.Postgres;

/// <summary>A server given by the environment; the fixture neither starts nor stops it.</summary>
internal sealed class ExternalPostgresServer(string connectionString) : IPostgresServer
{
    public string ConnectionString { get; } = connectionString;

    public string Description => $"external server from {PostgresFixture.ConnectionStringVariable}";

    public string? PsqlPath => PostgresInstallation.Find()?.PathOf("psql");

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
