using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using CdcPipeline.Tests.Capture;
using CdcPipeline.Tests.Infrastructure;

namespace CdcPipeline.Tests.Startup;

/// <summary><c>/health</c> of a service run alone with nothing reachable, read as a person with curl reads it.</summary>
public sealed class HealthEndpointTests
{
    [Fact]
    public async Task Health_of_a_sink_without_its_peers_says_which_checks_fail_and_why()
    {
        var port = FreePort();
        using var sink = ServiceProcess.CassandraSink(UnreachablePeers.Environment(("ASPNETCORE_URLS", $"http://127.0.0.1:{port}")));
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };

        HttpResponseMessage? response = null;
        await CaptureWait.UntilAsync(async () => (response = await TryGetAsync(http, "/health")) is not null, $"/health to answer:\n{sink.Output}");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response!.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal("Unhealthy", body.RootElement.GetProperty("status").GetString());
        var checks = body.RootElement.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!);
        Assert.Equal("Healthy", checks["self"].GetProperty("status").GetString());
        foreach (var name in new[] { "kafka-consumer-kafka", "cassandra-cassandra" })
        {
            Assert.Equal("Unhealthy", checks[name].GetProperty("status").GetString());
            Assert.False(string.IsNullOrWhiteSpace(checks[name].GetProperty("description").GetString()), $"{name} gives no reason: {checks[name]}");
        }
    }

    private static async Task<HttpResponseMessage?> TryGetAsync(HttpClient http, string path)
    {
        try
        {
            return await http.GetAsync(path, TestContext.Current.CancellationToken);
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
