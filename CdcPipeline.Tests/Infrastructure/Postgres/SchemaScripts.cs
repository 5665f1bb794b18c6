using System.Diagnostics;
using Npgsql;

namespace CdcPipeline.Tests.Infrastructure.Postgres;

/// <summary>
/// Applies <c>sql/postgres/*.sql</c> in file-name order, each file as a whole, the way the postgres image runs
/// its init directory: with <c>psql -v ON_ERROR_STOP=1</c> when a psql client is installed, else through Npgsql.
/// </summary>
public static class SchemaScripts
{
    public static IReadOnlyList<string> Files { get; } = FindFiles();

    public static async Task ApplyAsync(string connectionString, string? psqlPath)
    {
        foreach (var file in Files)
        {
            if (psqlPath is not null && File.Exists(psqlPath))
            {
                await RunPsqlAsync(psqlPath, connectionString, file);
            }
            else
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand(await File.ReadAllTextAsync(file), connection);
                await command.ExecuteNonQueryAsync();
            }
        }
    }

    private static async Task RunPsqlAsync(string psqlPath, string connectionString, string file)
    {
        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        var start = new ProcessStartInfo(psqlPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     "-v", "ON_ERROR_STOP=1", "--no-psqlrc", "--quiet",
                     "-h", settings.Host!, "-p", settings.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "-U", settings.Username!, "-d", settings.Database!, "-f", file,
                 })
        {
            start.ArgumentList.Add(argument);
        }

        if (!string.IsNullOrEmpty(settings.Password))
        {
            start.Environment["PGPASSWORD"] = settings.Password;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {psqlPath}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"psql failed on {Path.GetFileName(file)} (exit {process.ExitCode}):\n{await output}\n{await error}");
        }
    }

    private static string[] FindFiles()
    {
        var directory = Path.Combine(RepositoryRoot(), "sql", "postgres");
        var files = Directory.GetFiles(directory, "*.sql").Order(StringComparer.Ordinal).ToArray();
        return files.Length > 0 ? files : throw new InvalidOperationException($"No *.sql files in {directory}.");
    }

    internal static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "CdcPipeline.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No CdcPipeline.sln above {AppContext.BaseDirectory}: cannot find sql/postgres.");
    }
}
