using System.Net.Sockets;

namespace CdcPipeline.Tests.AppHost;

/// <summary>Whether a Docker engine answers on its Unix socket, checked by pinging it.</summary>
internal static class DockerEngine
{
    public const string SocketPath = "/var/run/docker.sock";

    /// <summary>Null when the engine answered <c>GET /_ping</c> with OK, otherwise why not.</summary>
    public static async Task<string?> WhyUnavailableAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(SocketPath))
        {
            return $"No Docker engine: {SocketPath} does not exist.";
        }

        using var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath), ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            using var response = await http.GetAsync(new Uri("http://docker/_ping"), cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            return response.IsSuccessStatusCode && body.Trim() == "OK"
                ? null
                : $"The Docker engine on {SocketPath} answered /_ping with {(int)response.StatusCode} '{body.Trim()}'.";
        }
        catch (Exception ex) when (ex is HttpRequestException or SocketException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return $"No Docker engine answers on {SocketPath}: {ex.Message}";
        }
    }
}
