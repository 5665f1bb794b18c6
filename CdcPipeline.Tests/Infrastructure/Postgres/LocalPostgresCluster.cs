using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using CdcPipeline.AppHost.Local.Postgres;
using Npgsql;

namespace CdcPipeline.Tests.Infrastructure.Postgres;

/// <summary>
/// A throwaway PostgreSQL cluster from the locally installed server binaries (found, initialised and run as user
/// <c>postgres</c> when root by the AppHost's local-profile code, <see cref="PostgresInstallation"/>): initdb into a temp directory,
/// listening on 127.0.0.1 on a free port with its unix socket in that directory, logical replication on,
/// durability off. Stopped and deleted on dispose, on a failed start and at process exit. A port taken by someone
/// else between choosing and binding it is survived: the first start moves to another free port, a restart retries
/// its own port with backoff.
/// </summary>
public sealed class LocalPostgresCluster : IPostgresServer
{
    private readonly PostgresInstallation _installation;
    private readonly string _rootDirectory;
    private readonly string _dataDirectory;
    private readonly string? _password;
    private const int BindAttempts = 5;

    private int _port;
    private int _disposed;

    private LocalPostgresCluster(PostgresInstallation installation, string rootDirectory, int port, string? password)
    {
        _installation = installation;
        _password = password;
        _rootDirectory = rootDirectory;
        _dataDirectory = Path.Combine(rootDirectory, "data");
        _port = port;
    }

    public string ConnectionString => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = _port,
        Username = PostgresServiceUser.SuperUser,
        Password = _password,
        Database = "postgres",
        Timeout = 5,
        MaxPoolSize = 20,
    }.ConnectionString;

    private string ServerLog => Path.Combine(_rootDirectory, "server.log");

    public string Description => $"local cluster of {_installation} on 127.0.0.1:{_port}";

    public string? PsqlPath => _installation.PathOf("psql");

    /// <summary>Initialises and starts a cluster; with a <paramref name="password"/> every connection authenticates with it (scram-sha-256), else all are trusted.</summary>
    public static async Task<LocalPostgresCluster> StartAsync(PostgresInstallation installation, string? password = null)
    {
        var root = Directory.CreateTempSubdirectory("cdc-pg-").FullName;
        var cluster = new LocalPostgresCluster(installation, root, FreeLoopbackPort(), password);
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

    /// <summary>
    /// Stops the server (fast shutdown; immediate when that has not finished in 60 s, e.g. a WAL sender still flushing
    /// on a loaded machine); its data stays for <see cref="StartAsync()"/>.
    /// </summary>
    public async Task StopAsync()
    {
        try
        {
            await RunAsync("pg_ctl", "-D", _dataDirectory, "-m", "fast", "-w", "-t", "60", "stop");
        }
        catch (InvalidOperationException) when (File.Exists(Path.Combine(_dataDirectory, "postmaster.pid")))
        {
            await RunAsync("pg_ctl", "-D", _dataDirectory, "-m", "immediate", "-w", "-t", "60", "stop");
        }
    }

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
        await PostgresServiceUser.TakeOwnershipAsync(_rootDirectory);
        await _installation.InitDbAsync(_dataDirectory, _password);

        // Many tests in parallel, each with its own slot and database; durability is worth nothing in a throwaway.
        var settings = PostgresServerSettings.LogicalReplication(_rootDirectory, maxReplicationSlots: 20, maxWalSenders: 20)
            .Append(new("port", _port.ToString(CultureInfo.InvariantCulture)))
            .Append(new("max_connections", "300"))
            .Append(new("fsync", "off"))
            .Append(new("synchronous_commit", "off"))
            .Append(new("full_page_writes", "off"));
        await File.AppendAllTextAsync(Path.Combine(_dataDirectory, "postgresql.conf"), "\n" + PostgresServerSettings.ToConfigurationLines(settings));
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

    private async Task RunAsync(string program, params string[] arguments)
    {
        try
        {
            await _installation.RunAsync(program, arguments, _rootDirectory);
        }
        catch (InvalidOperationException exception) when (File.Exists(ServerLog))
        {
            throw new InvalidOperationException($"{exception.Message}\n{await File.ReadAllTextAsync(ServerLog)}", exception);
        }
    }

    private void OnProcessExit(object? sender, EventArgs e) => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
