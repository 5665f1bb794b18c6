using CdcPipeline.AppHost.Local.Kafka;
using CdcPipeline.Producer.Options;
using CdcPipeline.Producer.Topics;
using CdcPipeline.Tests.Infrastructure.Kafka;
using Microsoft.Extensions.Logging;

namespace CdcPipeline.Tests.Producer;

public sealed class TopicProvisioningTests
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(3, "2")]
    [InlineData(2, "2")]
    [InlineData(1, "1")]
    public void Created_topics_require_at_most_two_in_sync_replicas(short replicationFactor, string minInSync)
    {
        var topic = new TopicOptions { Name = "users", Partitions = 3, ReplicationFactor = 3 };

        var specification = TopicSpecifications.For(topic, replicationFactor);

        Assert.Equal(replicationFactor, specification.ReplicationFactor);
        Assert.Equal(3, specification.NumPartitions);
        Assert.Equal(minInSync, specification.Configs[TopicSpecifications.MinInSyncReplicas]);
    }

    [Fact]
    public async Task An_existing_topic_with_fewer_replicas_than_configured_is_warned_about_and_used()
    {
        using var cluster = new MockKafkaCluster(brokerCount: 3);
        var settings = new ProducerSettings(cluster.BootstrapServers);
        cluster.CreateTopic(settings.UsersTopic, 3, replicationFactor: 1);
        cluster.CreateTopic(settings.OrdersTopic, 5, replicationFactor: 3);
        await using var producer = ProducerHost.Create(settings.Values);

        var exitCode = await producer.RunToEndAsync(RunTimeout);

        Assert.Equal(0, exitCode);
        var warnings = producer.Logs.AtLeast(LogLevel.Warning);
        Assert.Contains(
            warnings,
            m => m.Contains($"Topic {settings.UsersTopic}: existing topic has replication factor 1, below the 3 of Producer:Topics:Users:ReplicationFactor", StringComparison.Ordinal));
        Assert.DoesNotContain(warnings, m => m.Contains($"Topic {settings.OrdersTopic}: existing topic", StringComparison.Ordinal));
    }
}
