using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;

namespace CdcPipeline.AppHost.Dashboard;

/// <summary>
/// The dashboard's fixed ports (the launch profile's <c>applicationUrl</c> and its two endpoint URLs). Aspire starts
/// the dashboard as its own process, and a port another program holds only shows up there as a bind failure; this
/// finds it before anything starts.
/// </summary>
internal static class DashboardPorts
{
    /// <summary>The settings that carry the dashboard's URLs, each possibly a <c>;</c>-separated list.</summary>
    public static readonly string[] Settings =
    [
        "ASPNETCORE_URLS",
        "ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL",
        "ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL",
        "ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL",
    ];

    private const string HowToChange =
        "stop that program, or give the dashboard free ports in CdcPipeline.AppHost/Properties/launchSettings.json " +
        "(applicationUrl, ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL, ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL)";

    /// <summary>One line naming the first fixed loopback port another program listens on, or null when all are free.</summary>
    public static string? FindTaken(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        foreach (var setting in Settings)
        {
            foreach (var url in (configuration[setting] ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Port > 0 && uri.IsLoopback && IsTaken(uri.Port))
                {
                    return $"Port {uri.Port} is in use by another program ({setting}={url}, a dashboard port): {HowToChange}.";
                }
            }
        }

        return null;
    }

    private static bool IsTaken(int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        try
        {
            listener.Start();
            return false;
        }
        catch (SocketException exception) when (exception.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AccessDenied)
        {
            return true;
        }
        finally
        {
            listener.Stop();
        }
    }
}
