using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using CdcPipeline.AppHost.Kafka;
using CdcPipeline.AppHost.Profiles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace CdcPipeline.AppHost.Local.Kafka;

internal static partial class InMemoryKafkaBuilderExtensions
{
    /// <summary>
    /// Adds a Kafka cluster of <paramref name="brokerCount"/> brokers hosted in the AppHost process, with
    /// <paramref name="topics"/> created before anyone connects (it has no topic administration). Healthy when its
    /// metadata lists every broker; not durable.
    /// </summary>
    public static IResourceBuilder<InMemoryKafkaResource> AddInMemoryKafka(
        this IDistributedApplicationBuilder builder,
        [ResourceName] string name,
        int brokerCount,
        IEnumerable<KafkaTopic> topics,
        PipelineSettings settings)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(topics);
        ArgumentNullException.ThrowIfNull(settings);

        var kafka = new InMemoryKafkaResource(name, brokerCount);
        var topicList = topics.ToArray();

        var healthCheckKey = $"{name}_in_memory_check";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            healthCheckKey,
            _ => new KafkaClusterHealthCheck(ct => kafka.ConnectionStringExpression.GetValueAsync(ct), brokerCount, TimeSpan.FromSeconds(5)),
            failureStatus: default,
            tags: default));

        return builder.AddResource(kafka)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = InMemoryKafkaResource.ResourceType,
                State = KnownResourceStates.NotStarted,
                Properties =
                [
                    new(CustomResourceKnownProperties.Source, "in memory in the AppHost process, not durable (librdkafka mock cluster)"),
                    StandInProperties.Durability(StandInProperties.InMemory),
                    StandInProperties.Profile(settings),
                    new("kafka.brokers", brokerCount) { DisplayName = "Brokers" },
                ],
            })
            .WithHealthCheck(healthCheckKey)
            .ExcludeFromManifest()
            .RunInProcess(kafka.BootstrapServers, (resource, logger, _) => Task.FromResult(Start(resource, topicList, logger)));
    }

    private static StandInStarted Start(InMemoryKafkaResource kafka, IReadOnlyList<KafkaTopic> topics, ILogger logger)
    {
        var cluster = new MockKafkaCluster(kafka.BrokerCount);
        var replicationFactor = Math.Min(KafkaClusterBuilderExtensions.ReplicationFactor, kafka.BrokerCount);
        try
        {
            foreach (var topic in topics)
            {
                cluster.CreateTopic(topic.Name, topic.Partitions, replicationFactor);
                TopicCreated(logger, topic.Name, topic.Partitions, replicationFactor);
            }
        }
        catch
        {
            cluster.Dispose();
            throw;
        }

        kafka.Cluster = cluster;
        Started(logger, kafka.BrokerCount, cluster.BootstrapServers);
        return new StandInStarted(
            cluster.BootstrapServers,
            [
                new("kafka.bootstrap", cluster.BootstrapServers) { DisplayName = "Bootstrap servers", IsHighlighted = true },
                new("kafka.topics", string.Join(", ", topics.Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Name} ({t.Partitions})"))))
                {
                    DisplayName = "Topics (partitions)",
                },
            ],
            () =>
            {
                cluster.Dispose();
                return ValueTask.CompletedTask;
            });
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Created topic {Topic} with {Partitions} partitions, replication factor {ReplicationFactor}")]
    private static partial void TopicCreated(ILogger logger, string topic, int partitions, int replicationFactor);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information,
        Message = "In-memory Kafka cluster of {Brokers} brokers on {BootstrapServers}: librdkafka's mock cluster in the AppHost process, in memory only (gone when the AppHost stops; each partition keeps its newest ~100,000 messages)")]
    private static partial void Started(ILogger logger, int brokers, string bootstrapServers);
}
