using Npgsql;

namespace CdcPipeline.AppHost.Local.Postgres;

/// <summary>Creates a database when it is missing and applies its schema scripts, each file as a whole, in name order.</summary>
internal static class PostgresSchema
{
    /// <returns>The file names applied.</returns>
    public static async Task<IReadOnlyList<string>> EnsureAsync(
        string serverConnectionString, string databaseName, string? scriptsDirectory, CancellationToken cancellationToken)
    {
        var server = new NpgsqlConnectionStringBuilder(serverConnectionString) { Pooling = false };
        await using (var connection = new NpgsqlConnection(server.ConnectionString))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection) { Parameters = { new() { Value = databaseName } } };
            if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
            {
                await using var create = new NpgsqlCommand($"CREATE DATABASE {QuoteIdentifier(databaseName)}", connection);
                await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        if (scriptsDirectory is null)
        {
            return [];
        }

        var files = Directory.GetFiles(scriptsDirectory, "*.sql").Order(StringComparer.Ordinal).ToArray();
        var database = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = databaseName };
        await using var schema = new NpgsqlConnection(database.ConnectionString);
        await schema.OpenAsync(cancellationToken).ConfigureAwait(false);
        foreach (var file in files)
        {
            await using var command = new NpgsqlCommand(await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false), schema);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return [.. files.Select(Path.GetFileName).OfType<string>()];
    }

    private static string QuoteIdentifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
