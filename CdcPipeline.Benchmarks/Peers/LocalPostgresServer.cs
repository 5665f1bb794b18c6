using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using CdcPipeline.AppHost.Local.Postgres;
using CdcPipeline.AppHost.Postgres;
using CdcPipeline.Benchmarks.Services;
using Npgsql;

namespace CdcPipeline.Benchmarks.Peers;

/// <summary>
/// PostgreSQL from this machine's binaries, as the AppHost's local profile runs it (its installation lookup, service
/// user, server settings and throwaway directory): a fresh cluster on a free 127.0.0.1 port, trusted logins, stopped
/// by a fast shutdown and removed on dispose.
/// </summary>
internal sealed class LocalPostgresServer : IAsyncDisposable
{
    private readonly string _root;
    private readonly Process _server;

    private LocalPostgresServer(string root, Process server, int port)
    {
        _root = root;
        _server = server;
        ConnectionString = new NpgsqlConnectionStringBuilder
        {
            Host = PostgresServerSettings.ListenAddress,
            Port = port,
            Username = PostgresServiceUser.SuperUser,
            Database = "postgres",
        }.ConnectionString;
    }

    /// <summary>The maintenance database, as the superuser.</summary>
    public string ConnectionString { get; }

    public static async Task<LocalPostgresServer> StartAsync(CancellationToken cancellationToken)
    {
        var installation = PostgresInstallation.Find() ?? throw new BenchmarkSetupException(PostgresInstallation.NotFoundMessage);
        var root = PostgresDataDirectories.NewPath();
        PostgresDataDirectories.Create(root);
        var data = Path.Combine(root, "data");
        await PostgresServiceUser.TakeOwnershipAsync(root, cancellationToken);
        await installation.InitDbAsync(data, password: null, cancellationToken);

        var port = FreePort();
        var settings = PostgresServerSettings.LogicalReplication(
            root, CdcPostgresBuilderExtensions.MaxReplicationSlots, CdcPostgresBuilderExtensions.MaxWalSenders);
        var (fileName, arguments) = installation.Command("postgres",
            ["-D", data, "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), .. PostgresServerSettings.ToArguments(settings)]);
        var start = new ProcessStartInfo(fileName) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true, WorkingDirectory = root };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new BenchmarkSetupException($"Could not start {fileName}.");
        process.ErrorDataReceived += (_, _) => { };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var server = new LocalPostgresServer(root, process, port);
        try
        {
            await server.WaitForLoginAsync(cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_server.HasExited)
        {
            Signals.Send(_server.Id, Signals.Interrupt);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await _server.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _server.Kill(entireProcessTree: true);
            }
        }

        _server.Dispose();
        PostgresDataDirectories.Delete(_root);
    }

    private async Task WaitForLoginAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(ConnectionString);
                await connection.OpenAsync(cancellationToken);
                return;
            }
            catch (NpgsqlException) when (DateTime.UtcNow < deadline && !_server.HasExited)
            {
                await Task.Delay(100, cancellationToken);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
