using System.Net;
using System.Net.Sockets;
using Aspire.Hosting.ApplicationModel;
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

    [Fact]
    public async Task Registered_check_finds_the_endpoint_allocated_after_its_first_run()
    {
        await using var server = InMemoryCqlServer.Start();
        await using var model = await AppHostModel.CreateAsync();
        var check = model.HealthCheck("cassandra_cql_check");

        var before = await check.CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken);
        // What DCP does once the container's port is allocated: here, the in-memory CQL server's.
        var endpoint = model.Resource("cassandra").Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == CassandraResource.PrimaryEndpointName);
        endpoint.AllocatedEndpoint = new AllocatedEndpoint(endpoint, "127.0.0.1", server.Port);
        var after = await check.CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken);

        Assert.Equal(HealthStatus.Unhealthy, before.Status);
        Assert.Equal("The CQL endpoint has no address yet.", before.Description);
        Assert.Equal(HealthStatus.Healthy, after.Status);
        Assert.Contains($"127.0.0.1:{server.Port}", after.Description, StringComparison.Ordinal);
    }

    private static Task<HealthCheckResult> CheckAsync(string? connectionString) =>
        new CassandraHealthCheck(_ => ValueTask.FromResult(connectionString), s_timeout)
            .CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken);
}
