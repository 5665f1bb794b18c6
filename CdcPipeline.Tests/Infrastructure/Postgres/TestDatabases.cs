using Npgsql;

namespace CdcPipeline.Tests.Infrastructure.Postgres;

/// <summary>Creates uniquely named databases with the repository's schema applied.</summary>
internal static class TestDatabases
{
    private static int s_counter;

    public static async Task<string> CreateAsync(string adminConnectionString, string? psqlPath, string prefix)
    {
        var name = $"{prefix}_{Interlocked.Increment(ref s_counter)}_{Guid.NewGuid():N}".ToLowerInvariant();
        name = name.Length > 63 ? name[..63] : name;
        await using (var admin = new NpgsqlConnection(adminConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
            await create.ExecuteNonQueryAsync();
        }

        var connectionString = new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = name }.ConnectionString;
        await SchemaScripts.ApplyAsync(connectionString, psqlPath);
        return connectionString;
    }

    public static async Task DropAsync(string adminConnectionString, IEnumerable<string> names)
    {
        await using var admin = new NpgsqlConnection(adminConnectionString);
        await admin.OpenAsync();
        foreach (var name in names)
        {
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
