namespace CdcPipeline.Tests.Infrastructure.Postgres;

/// <summary>A PostgreSQL server the fixture uses: where it is and how to release it.</summary>
public interface IPostgresServer : IAsyncDisposable
{
    /// <summary>Connection string of the <c>postgres</c> maintenance database, as a superuser.</summary>
    string ConnectionString { get; }

    string Description { get; }

    /// <summary>A psql client matching the server, or null to apply scripts through Npgsql.</summary>
    string? PsqlPath { get; }
}
