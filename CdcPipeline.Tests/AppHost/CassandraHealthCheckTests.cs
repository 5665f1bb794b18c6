using System.Net;
using System.Net.Sockets;
using CdcPipeline.AppHost.Cassandra;
using CdcPipeline.AppHost.Local.Cassandra;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CdcPipeline.Tests.AppHost;

public sealed class CassandraHealthCheckTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Node_answering_CQL_is_healthy_and_names_its_release()
    {
        await using var server = InMemoryCqlServer.Start();

        var result = await CheckAsync(server.ConnectionString);

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Contains("Cassandra 4.1.5", result.Description, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{server.Port}", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Node_refusing_the_credentials_is_unhealthy_and_says_why()
    {
        await using var server = InMemoryCqlServer.Start("cassandra", "right");

        var result = await CheckAsync($"Contact Points=127.0.0.1;Port={server.Port};Username=cassandra;Password=wrong");

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("Provided username cassandra and/or password are incorrect", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Node_that_accepts_but_never_answers_is_unhealthy_within_the_timeout()
    {
        await using var server = InMemoryCqlServer.Start();
        server.StallConnections();

        var result = await new CassandraHealthCheck(_ => ValueTask.FromResult<string?>(server.ConnectionString), TimeSpan.FromSeconds(1))
            .CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken);
        server.ResumeConnections();

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains($"127.0.0.1:{server.Port}", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nothing_listening_is_unhealthy()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var result = await CheckAsync($"Contact Points=127.0.0.1;Port={port}");

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains($"127.0.0.1:{port}", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Endpoint_without_an_address_is_unhealthy()
    {
        var result = await CheckAsync(null);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
    }

    private static Task<HealthCheckResult> CheckAsync(string? connectionString) =>
        new CassandraHealthCheck(_ => ValueTask.FromResult(connectionString), s_timeout)
            .CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken);
}
