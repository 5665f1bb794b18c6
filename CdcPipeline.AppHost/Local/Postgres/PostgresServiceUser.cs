using System.Diagnostics;

namespace CdcPipeline.AppHost.Local.Postgres;

/// <summary>
/// PostgreSQL refuses to run as root. When this process is root, its programs run as the operating-system user
/// <c>postgres</c> (which the distribution's package creates) through <c>setpriv</c>, which execs the program: the
/// server is then the direct child of whoever started it and gets its signals.
/// </summary>
internal static class PostgresServiceUser
{
    /// <summary>The operating-system user the server runs as when this process is root, and the database superuser.</summary>
    public const string SuperUser = "postgres";

    public static bool IsRoot => !OperatingSystem.IsWindows() && Environment.UserName == "root";

    /// <summary><paramref name="fileName"/> with <paramref name="arguments"/>, wrapped in <c>setpriv</c> when this process is root.</summary>
    public static (string FileName, IReadOnlyList<string> Arguments) Command(string fileName, IEnumerable<string> arguments) =>
        IsRoot
            ? ("setpriv", ["--reuid=" + SuperUser, "--regid=" + SuperUser, "--init-groups", "--", fileName, .. arguments])
            : (fileName, [.. arguments]);

    /// <summary>Gives <paramref name="path"/> (recursively) to the service user when this process is root, so the server can use it.</summary>
    public static async Task TakeOwnershipAsync(string path, CancellationToken cancellationToken = default)
    {
        if (!IsRoot)
        {
            return;
        }

        var start = new ProcessStartInfo("chown")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-R", $"{SuperUser}:{SuperUser}", path })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start chown.");
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"PostgreSQL refuses to run as root and 'chown -R {SuperUser}:{SuperUser} {path}' failed ({process.ExitCode}): " +
                $"{(await error.ConfigureAwait(false)).Trim()}. Is there a user '{SuperUser}' (Debian/Ubuntu: 'apt-get install postgresql' creates it)?");
        }
    }
}
