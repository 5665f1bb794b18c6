using System.Diagnostics;

namespace CdcPipeline.AppHost.Local.Postgres;

/// <summary>
/// The PostgreSQL server programs installed on this machine (<c>postgres</c>, <c>initdb</c>, <c>pg_ctl</c>), found
/// where the usual packages put them, and run as the operating-system user PostgreSQL accepts
/// (<see cref="PostgresServiceUser"/>).
/// </summary>
public sealed class PostgresInstallation
{
    private static readonly string[] ServerPrograms = ["postgres", "initdb", "pg_ctl"];
    private static readonly TimeSpan ProgramTimeout = TimeSpan.FromMinutes(2);

    private PostgresInstallation(string binDirectory, Version? version)
    {
        BinDirectory = binDirectory;
        Version = version;
    }

    public string BinDirectory { get; }

    /// <summary>The major (and minor) version when the directory names it, as Debian's and Homebrew's do.</summary>
    public Version? Version { get; }

    /// <summary>One line saying that no server was found and which package to install.</summary>
    public static string NotFoundMessage =>
        "No PostgreSQL server binaries (postgres, initdb, pg_ctl) found in /usr/lib/postgresql/<version>/bin, " +
        "/opt/homebrew/opt/postgresql@<version>/bin, /usr/local/opt/postgresql@<version>/bin, 'pg_config --bindir' or PATH: " +
        "install them (Debian/Ubuntu: 'apt-get install postgresql'; macOS: 'brew install postgresql@17').";

    public override string ToString() => Version is null ? $"PostgreSQL from {BinDirectory}" : $"PostgreSQL {Version} from {BinDirectory}";

    /// <summary>
    /// The newest server of Debian's <c>/usr/lib/postgresql/&lt;version&gt;/bin</c>, else of Homebrew's
    /// <c>postgresql@&lt;version&gt;</c> kegs, else <c>pg_config --bindir</c>, else the first directory on PATH with
    /// the server programs; null when there is none.
    /// </summary>
    public static PostgresInstallation? Find() =>
        Newest(VersionDirectories("/usr/lib/postgresql", string.Empty))
        ?? Newest(VersionDirectories("/opt/homebrew/opt", "postgresql@").Concat(VersionDirectories("/usr/local/opt", "postgresql@")))
        ?? FromDirectory(PgConfigBinDirectory())
        ?? (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(FromDirectory)
            .FirstOrDefault(installation => installation is not null);

    public string PathOf(string program) => Path.Combine(BinDirectory, program);

    /// <summary>
    /// How to start <paramref name="program"/> of this installation with <paramref name="arguments"/>: as user
    /// <c>postgres</c> when this process is root (PostgreSQL refuses root), else as this user.
    /// </summary>
    public (string FileName, IReadOnlyList<string> Arguments) Command(string program, IEnumerable<string> arguments) =>
        PostgresServiceUser.Command(PathOf(program), arguments);

    /// <summary>Runs <paramref name="program"/> to completion; a non-zero exit throws with its output.</summary>
    public async Task RunAsync(string program, IEnumerable<string> arguments, string workingDirectory, CancellationToken cancellationToken = default)
    {
        var (fileName, args) = Command(program, arguments);
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in args)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProgramTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            throw new TimeoutException($"'{program} {string.Join(' ', arguments)}' did not finish within {ProgramTimeout.TotalSeconds:0} s and was killed.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"'{program} {string.Join(' ', arguments)}' exited with {process.ExitCode}: {(await output.ConfigureAwait(false)).Trim()} {(await error.ConfigureAwait(false)).Trim()}");
        }
    }

    /// <summary>
    /// Creates a cluster in <paramref name="dataDirectory"/> (which must not exist yet; its parent must belong to the
    /// service user), owned by superuser <c>postgres</c>. With a <paramref name="password"/>, every connection
    /// authenticates with it (scram-sha-256); without one, every local connection is trusted.
    /// </summary>
    public async Task InitDbAsync(string dataDirectory, string? password, CancellationToken cancellationToken = default)
    {
        var parent = Path.GetDirectoryName(Path.GetFullPath(dataDirectory))
            ?? throw new ArgumentException($"'{dataDirectory}' has no parent directory.", nameof(dataDirectory));
        List<string> arguments =
        [
            "-D", dataDirectory, "-U", PostgresServiceUser.SuperUser, "--encoding=UTF8", "--no-locale", "--no-sync", "--no-instructions",
        ];
        if (password is null)
        {
            arguments.Add("--auth=trust");
            await RunAsync("initdb", arguments, parent, cancellationToken).ConfigureAwait(false);
            return;
        }

        // initdb reads the superuser's password from a file: readable by the service user only, gone right after.
        var passwordFile = Path.Combine(parent, $".pwfile-{Guid.NewGuid():N}");
        try
        {
            await File.WriteAllTextAsync(passwordFile, password, cancellationToken).ConfigureAwait(false);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            await PostgresServiceUser.TakeOwnershipAsync(passwordFile, cancellationToken).ConfigureAwait(false);
            arguments.AddRange(["--auth=scram-sha-256", $"--pwfile={passwordFile}"]);
            await RunAsync("initdb", arguments, parent, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }

    private static PostgresInstallation? Newest(IEnumerable<(string Directory, Version Version)> candidates) =>
        candidates
            .OrderByDescending(candidate => candidate.Version)
            .Select(candidate => FromDirectory(Path.Combine(candidate.Directory, "bin"), candidate.Version))
            .FirstOrDefault(installation => installation is not null);

    // <root>/<prefix><version>, e.g. /usr/lib/postgresql/15 or /opt/homebrew/opt/postgresql@17.
    private static IEnumerable<(string Directory, Version Version)> VersionDirectories(string root, string prefix)
    {
        if (!Directory.Exists(root))
        {
            return [];
        }

        return Directory.GetDirectories(root, prefix + "*")
            .Select(directory => (Directory: directory, Version: ParseVersion(Path.GetFileName(directory)[prefix.Length..])))
            .Where(candidate => candidate.Version is not null)
            .Select(candidate => (candidate.Directory, candidate.Version!));
    }

    private static PostgresInstallation? FromDirectory(string? binDirectory) => FromDirectory(binDirectory, null);

    private static PostgresInstallation? FromDirectory(string? binDirectory, Version? version) =>
        !string.IsNullOrWhiteSpace(binDirectory) && ServerPrograms.All(program => File.Exists(Path.Combine(binDirectory, program)))
            ? new PostgresInstallation(binDirectory, version)
            : null;

    private static string? PgConfigBinDirectory()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("pg_config", "--bindir")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null)
            {
                return null;
            }

            var output = process.StandardOutput.ReadToEnd();
            return process.WaitForExit(TimeSpan.FromSeconds(5)) && process.ExitCode == 0 ? output.Trim() : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No pg_config on PATH.
            return null;
        }
    }

    private static Version? ParseVersion(string name) =>
        Version.TryParse(name.Contains('.', StringComparison.Ordinal) ? name : name + ".0", out var version) ? version : null;
}
