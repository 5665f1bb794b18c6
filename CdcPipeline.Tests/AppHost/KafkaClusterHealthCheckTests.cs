using Confluent.Kafka;
using CdcPipeline.AppHost.Kafka;
using CdcPipeline.AppHost.Local.Kafka;
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

    [Fact]
    public async Task Three_clusters_of_one_broker_each_are_unhealthy_naming_the_split_quorum()
    {
        // What three KRaft nodes formatted as quorums of their own look like to a client: each address answers,
        // and each lists only itself.
        using var first = new MockKafkaCluster(brokerCount: 1);
        using var second = new MockKafkaCluster(brokerCount: 1);
        using var third = new MockKafkaCluster(brokerCount: 1);
        var servers = string.Join(',', first.BootstrapServers, second.BootstrapServers, third.BootstrapServers);
        var check = new KafkaClusterHealthCheck(_ => ValueTask.FromResult<string?>(servers), expectedBrokers: 3, TimeSpan.FromSeconds(30));

        var result = await check.CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.StartsWith("The brokers do not form one cluster", result.Description, StringComparison.Ordinal);
        Assert.Contains(second.BootstrapServers, result.Description, StringComparison.Ordinal);
        Assert.Contains("sees only broker 1", result.Description, StringComparison.Ordinal);
        Assert.Contains("--standalone", result.Description, StringComparison.Ordinal);
        Assert.Contains("kafka-*-data volumes", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_broker_of_one_cluster_asked_by_its_own_address_is_healthy()
    {
        using var cluster = new MockKafkaCluster(brokerCount: 3);
        var check = new KafkaClusterHealthCheck(_ => ValueTask.FromResult<string?>(cluster.BootstrapServers), expectedBrokers: 3, TimeSpan.FromSeconds(30));

        var result = await check.CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken);

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.StartsWith("3 of 3 brokers, one cluster: 1@", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task One_broker_down_is_unhealthy_naming_its_address()
    {
        using var cluster = new MockKafkaCluster(brokerCount: 3);
        var down = cluster.BootstrapServers.Split(',')[1];
        cluster.SetBrokerDown(2);
        var check = new KafkaClusterHealthCheck(_ => ValueTask.FromResult<string?>(cluster.BootstrapServers), expectedBrokers: 3, TimeSpan.FromSeconds(3));

        var result = await check.CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains($"{down} does not", result.Description, StringComparison.Ordinal);
    }
}
