using Confluent.Kafka;
using CdcPipeline.AppHost.Kafka;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CdcPipeline.Tests.AppHost;

/// <summary>
/// The cluster health check against librdkafka's mock cluster (<c>test.mock.num.brokers</c>): a real Kafka
/// protocol peer created inside the client, so the metadata the check reads is the peer's answer.
/// </summary>
public sealed class KafkaClusterHealthCheckTests
{
    [Fact]
    public async Task Cluster_whose_metadata_lists_every_broker_is_healthy()
    {
        var check = new KafkaClusterHealthCheck(
            _ => ValueTask.FromResult<string?>("127.0.0.1:1"), expectedBrokers: 3, TimeSpan.FromSeconds(30),
            config => config.Set("test.mock.num.brokers", "3"));

        var result = await check.CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken);

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.StartsWith("3 of 3 brokers", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cluster_with_fewer_brokers_than_expected_is_unhealthy()
    {
        var check = new KafkaClusterHealthCheck(
            _ => ValueTask.FromResult<string?>("127.0.0.1:1"), expectedBrokers: 3, TimeSpan.FromSeconds(30),
            config => config.Set("test.mock.num.brokers", "1"));

        var result = await check.CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.StartsWith("1 of 3 brokers", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unreachable_cluster_is_unhealthy()
    {
        var check = new KafkaClusterHealthCheck(
            _ => ValueTask.FromResult<string?>("127.0.0.1:1"), expectedBrokers: 3, TimeSpan.FromSeconds(2));

        var result = await check.CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
    }

    [Fact]
    public async Task Unknown_bootstrap_servers_are_unhealthy()
    {
        var check = new KafkaClusterHealthCheck(_ => ValueTask.FromResult<string?>(null), expectedBrokers: 3, TimeSpan.FromSeconds(2));

        var result = await check.CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
    }
}
