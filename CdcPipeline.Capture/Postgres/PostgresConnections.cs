using Npgsql;
using Npgsql.Replication;

namespace CdcPipeline.Capture.Postgres;

/// <summary>
/// The capture's two kinds of PostgreSQL connection, both from <c>ConnectionStrings:cdcdb</c>: normal ones from the
/// Aspire data source (catalog, snapshot, heartbeat query) and the replication connection built from the same
/// connection string.
/// </summary>
internal sealed class PostgresConnections
{
    public const string ConnectionName = "cdcdb";

    private readonly string _connectionString;

    public PostgresConnections(IConfiguration configuration, NpgsqlDataSource dataSource)
    {
        DataSource = dataSource;
        _connectionString = configuration.GetConnectionString(ConnectionName)
            ?? configuration["Aspire:Npgsql:ConnectionString"]
            ?? throw new InvalidOperationException($"ConnectionStrings:{ConnectionName} is not set: the capture needs the Npgsql connection string of the captured database.");
        var settings = new NpgsqlConnectionStringBuilder(_connectionString);
        Database = settings.Database
            ?? throw new InvalidOperationException($"ConnectionStrings:{ConnectionName} names no database (Database=…).");
        Server = $"{settings.Host}:{settings.Port}";
    }

    public NpgsqlDataSource DataSource { get; }

    /// <summary>The captured database (<c>source.db</c>).</summary>
    public string Database { get; }

    /// <summary>The server as its outages are named: <c>host:port</c>.</summary>
    public string Server { get; }

    public async Task<LogicalReplicationConnection> OpenReplicationAsync(CancellationToken cancellationToken)
    {
        var connection = new LogicalReplicationConnection(_connectionString);
        try
        {
            await connection.Open(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
