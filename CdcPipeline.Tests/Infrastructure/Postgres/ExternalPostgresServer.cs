namespace CdcPipeline.Tests.Infrastructure.Postgres;

/// <summary>A server given by the environment; the fixture neither starts nor stops it.</summary>
internal sealed class ExternalPostgresServer(string connectionString) : IPostgresServer
{
    public string ConnectionString { get; } = connectionString;

    public string Description => $"external server from {PostgresFixture.ConnectionStringVariable}";

    public string? PsqlPath => LocalPostgresCluster.FindBinDirectory() is { } bin ? Path.Combine(bin, "psql") : null;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
