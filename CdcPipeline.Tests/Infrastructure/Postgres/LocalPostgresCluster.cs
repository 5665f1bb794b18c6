using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace CdcPipeline.Tests.Infrastructure.Postgres;

/// <summary>
/// A throwaway PostgreSQL cluster from the locally installed server binaries: initdb into a temp directory,
/// listening on 127.0.0.1 on a free port with its unix socket in that directory, logical replication on,
/// durability off. Stopped and deleted on dispose, on a failed start and at process exit. A port taken by someone
/// else between choosing and binding it is survived: the first start moves to another free port, a restart retries
/// its own port with backoff.
/// </summary>
public sealed class LocalPostgresCluster : IPostgresServer
{
    private const string InstallRoot = "/usr/lib/postgresql";
    private const string ServiceUser = "postgres";

    private readonly string _binDirectory;
    private readonly string _rootDirectory;
    private readonly string _dataDirectory;
    private const int BindAttempts = 5;

    private int _port;
    private int _disposed;

    private LocalPostgresCluster(string binDirectory, string rootDirectory, int port)
    {
        _binDirectory = binDirectory;
        _rootDirectory = rootDirectory;
        _dataDirectory = Path.Combine(rootDirectory, "data");
        _port = port;
    }

    public string ConnectionString => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = _port,
        Username = ServiceUser,
        Database = "postgres",
        Timeout = 5,
        MaxPoolSize = 20,
    }.ConnectionString;

    private string ServerLog => Path.Combine(_rootDirectory, "server.log");

    public string Description => $"local cluster from {_binDirectory} on 127.0.0.1:{_port}";

    public string? PsqlPath => Path.Combine(_binDirectory, "psql");

    private static bool IsRoot => Environment.UserName == "root";

    /// <summary>The bin directory of the newest installed PostgreSQL server version, or null when none is installed.</summary>
    public static string? FindBinDirectory()
    {
        if (!Directory.Exists(InstallRoot))
        {
            return null;
        }

        return Directory.GetDirectories(InstallRoot)
            .Select(directory => (Directory: directory, Version: ParseVersion(Path.GetFileName(directory))))
            .Where(candidate => candidate.Version is not null
                && File.Exists(Path.Combine(candidate.Directory, "bin", "initdb"))
                && File.Exists(Path.Combine(candidate.Directory, "bin", "pg_ctl")))
            .OrderByDescending(candidate => candidate.Version)
            .Select(candidate => Path.Combine(candidate.Directory, "bin"))
            .FirstOrDefault();
    }

    public static async Task<LocalPostgresCluster> StartAsync(string binDirectory)
    {
        var root = Directory.CreateTempSubdirectory("cdc-pg-").FullName;
        var cluster = new LocalPostgresCluster(binDirectory, root, FreeLoopbackPort());
        try
        {
            await cluster.InitializeAsync();
            AppDomain.CurrentDomain.ProcessExit += cluster.OnProcessExit;
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>A fresh database with the schema applied, see <see cref="PostgresFixture.CreateDatabaseAsync"/>.</summary>
    public Task<string> CreateDatabaseAsync(string prefix = "cdc_test") => TestDatabases.CreateAsync(ConnectionString, PsqlPath, prefix);

    /// <summary>Stops the server (fast shutdown: open connections are terminated), waits, starts it again on the same port.</summary>
    public async Task RestartAsync(TimeSpan downtime = default)
    {
        await StopAsync();
        if (downtime > TimeSpan.Zero)
        {
            await Task.Delay(downtime);
        }

        await StartAsync();
    }

    /// <summary>Stops the server (fast shutdown); its data stays for <see cref="StartAsync()"/>.</summary>
    public Task StopAsync() => RunAsync("pg_ctl", "-D", _dataDirectory, "-m", "fast", "-w", "-t", "60", "stop");

    /// <summary>Starts the stopped server again on the same port (retried with backoff while the port cannot be bound).</summary>
    public async Task StartAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await StartServerAsync();
                return;
            }
            catch (PortInUseException) when (attempt < BindAttempts)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250 * Math.Pow(2, attempt)));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        try
        {
            if (File.Exists(Path.Combine(_dataDirectory, "postmaster.pid")))
            {
                await RunAsync("pg_ctl", "-D", _dataDirectory, "-m", "immediate", "-w", "-t", "30", "stop");
            }
        }
        catch (Exception exception) when (exception is InvalidOperationException or TimeoutException)
        {
            KillPostmaster();
        }
        finally
        {
            Directory.Delete(_rootDirectory, recursive: true);
        }
    }

    /// <summary>pg_ctl could not stop the server: ends the postmaster this cluster started (its PID file's first line).</summary>
    private void KillPostmaster()
    {
        var pidFile = Path.Combine(_dataDirectory, "postmaster.pid");
        if (!File.Exists(pidFile)
            || !int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            return;
        }

        try
        {
            using var postmaster = Process.GetProcessById(pid);
            postmaster.Kill(entireProcessTree: true);
            postmaster.WaitForExit(TimeSpan.FromSeconds(10));
        }
        catch (Exception exception) when (exception is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already gone.
        }
    }

    private async Task InitializeAsync()
    {
        if (IsRoot)
        {
            await RunProgramAsync("chown", ServiceUser, _rootDirectory);
        }

        await RunAsync("initdb", "-D", _dataDirectory, "-U", ServiceUser, "--auth=trust", "--no-sync",
            "--encoding=UTF8", "--locale=C.UTF-8", "--no-instructions");

        var settings = string.Join('\n',
            "listen_addresses = '127.0.0.1'",
            $"port = {_port.ToString(CultureInfo.InvariantCulture)}",
            $"unix_socket_directories = '{_rootDirectory}'",
            "wal_level = logical",
            "max_replication_slots = 20",
            "max_wal_senders = 20",
            "max_connections = 300",
            "fsync = off",
            "synchronous_commit = off",
            "full_page_writes = off",
            "");
        await File.AppendAllTextAsync(Path.Combine(_dataDirectory, "postgresql.conf"), "\n" + settings);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await StartServerAsync();
                return;
            }
            catch (PortInUseException) when (attempt < BindAttempts)
            {
                // Another process took the port after it was chosen: a later line of postgresql.conf wins.
                _port = FreeLoopbackPort();
                await File.AppendAllTextAsync(
                    Path.Combine(_dataDirectory, "postgresql.conf"), $"port = {_port.ToString(CultureInfo.InvariantCulture)}\n");
            }
        }
    }

    private async Task StartServerAsync()
    {
        var logStart = File.Exists(ServerLog) ? new FileInfo(ServerLog).Length : 0;
        try
        {
            await RunAsync("pg_ctl", "-D", _dataDirectory, "-l", ServerLog, "-w", "-t", "60", "start");
        }
        catch (InvalidOperationException exception) when (NewLogText(logStart).Contains("could not bind", StringComparison.Ordinal))
        {
            throw new PortInUseException($"Port {_port} could not be bound.", exception);
        }
    }

    private string NewLogText(long from)
    {
        if (!File.Exists(ServerLog))
        {
            return string.Empty;
        }

        using var stream = new FileStream(ServerLog, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Seek(Math.Min(from, stream.Length), SeekOrigin.Begin);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private Task RunAsync(string program, params string[] arguments) =>
        IsRoot
            ? RunProgramAsync("runuser", ["-u", ServiceUser, "--", Path.Combine(_binDirectory, program), .. arguments])
            : RunProgramAsync(Path.Combine(_binDirectory, program), arguments);

    private async Task RunProgramAsync(string fileName, params string[] arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _rootDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{fileName} {string.Join(' ', arguments)}' did not finish within 120 s and was killed.");
        }

        if (process.ExitCode != 0)
        {
            var log = Path.Combine(_rootDirectory, "server.log");
            var serverLog = File.Exists(log) ? await File.ReadAllTextAsync(log) : string.Empty;
            throw new InvalidOperationException(
                $"'{fileName} {string.Join(' ', arguments)}' exited with {process.ExitCode}:\n{await output}\n{await error}\n{serverLog}");
        }
    }

    private void OnProcessExit(object? sender, EventArgs e) => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static Version? ParseVersion(string name) =>
        Version.TryParse(name.Contains('.', StringComparison.Ordinal) ? name : name + ".0", out var version) ? version : null;
}
