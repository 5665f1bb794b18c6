using System.Net;
using System.Net.Sockets;
using CdcPipeline.AppHost.Dashboard;
using Microsoft.Extensions.Configuration;

namespace CdcPipeline.Tests.AppHost;

public sealed class DashboardPortsTests
{
    [Fact]
    public void A_port_another_program_listens_on_is_named_with_its_setting_and_how_to_change_it()
    {
        using var other = new TcpListener(IPAddress.Loopback, 0);
        other.Start();
        var taken = ((IPEndPoint)other.LocalEndpoint).Port;

        var message = DashboardPorts.FindTaken(Configuration(
            ("ASPNETCORE_URLS", $"http://localhost:{FreePort()}"),
            ("ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL", $"http://localhost:{taken}")));

        Assert.Equal(
            $"Port {taken} is in use by another program (ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL=http://localhost:{taken}, a dashboard port): " +
            "stop that program, or give the dashboard free ports in CdcPipeline.AppHost/Properties/launchSettings.json " +
            "(applicationUrl, ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL, ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL).",
            message);
    }

    [Fact]
    public void Free_ports_dynamic_ports_and_other_hosts_pass()
    {
        using var other = new TcpListener(IPAddress.Loopback, 0);
        other.Start();
        var taken = ((IPEndPoint)other.LocalEndpoint).Port;

        Assert.Null(DashboardPorts.FindTaken(Configuration(
            ("ASPNETCORE_URLS", $"http://localhost:{FreePort()};http://127.0.0.1:0"),
            ("ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL", $"http://192.0.2.1:{taken}"))));
        Assert.Null(DashboardPorts.FindTaken(Configuration()));
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build();

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
