using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace CdcPipeline.AppHost.Local.Postgres;

/// <summary>Healthy when the server accepts a password login and answers <c>SELECT 1</c>: a started process is not yet a server.</summary>
internal sealed class PostgresHealthCheck(Func<CancellationToken, ValueTask<string?>> connectionString) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (await connectionString(cancellationToken).ConfigureAwait(false) is not { Length: > 0 } value)
        {
            return HealthCheckResult.Unhealthy("The server's address is not known yet.");
        }

        var settings = new NpgsqlConnectionStringBuilder(value) { Pooling = false, Timeout = 5 };
        try
        {
            await using var connection = new NpgsqlConnection(settings.ConnectionString);
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"PostgreSQL {connection.PostgreSqlVersion} answers on {settings.Host}:{settings.Port}");
        }
        catch (NpgsqlException exception)
        {
            return HealthCheckResult.Unhealthy($"PostgreSQL on {settings.Host}:{settings.Port}: {exception.Message}", exception);
        }
    }
}
