using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using NpgsqlTypes;

namespace CdcPipeline.ServiceDefaults.Postgres;

/// <summary>
/// Unhealthy when the database lacks a table or the publication of <see cref="PipelineSchema"/>, naming what is missing
/// and how to reset: PostgreSQL runs its init scripts only on an empty data directory, so a first start whose scripts
/// failed leaves a database without the schema on every later start. Degraded when the database cannot be asked.
/// </summary>
internal sealed class PipelineSchemaHealthCheck(NpgsqlDataSource dataSource, PipelineSchema schema) : IHealthCheck
{
    public const string Name = "schema";

    private const string MissingQuery = """
        SELECT 'table ' || name FROM unnest($1::text[]) AS name WHERE to_regclass(name) IS NULL
        UNION ALL
        SELECT 'publication ' || $2 WHERE $2 IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pg_publication WHERE pubname = $2)
        """;

    private const string Reset =
        "the schema (sql/postgres) is applied only when PostgreSQL starts on an empty data directory, so a first start " +
        "that failed leaves it out on every later start. Reset: stop the AppHost, delete the postgres volume together " +
        "with the kafka-* volumes (README, \"Persistent data and resetting it\"), start again";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var database = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString).Database;
        try
        {
            await using var command = dataSource.CreateCommand(MissingQuery);
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = schema.Tables.ToArray() });
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)schema.Publication ?? DBNull.Value });
            var missing = new List<string>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                missing.Add(reader.GetString(0));
            }

            return missing.Count == 0
                ? HealthCheckResult.Healthy($"database {database} has the pipeline's schema")
                : HealthCheckResult.Unhealthy($"database {database} lacks {string.Join(", ", missing)}: {Reset}.");
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
        {
            return HealthCheckResult.Degraded($"the schema of database {database} could not be checked: {exception.Message}");
        }
    }
}
