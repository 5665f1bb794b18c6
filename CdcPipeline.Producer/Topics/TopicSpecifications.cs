using System.Globalization;
using CdcPipeline.Producer.Options;
using Confluent.Kafka.Admin;

namespace CdcPipeline.Producer.Topics;

/// <summary>How the Producer creates a topic: with acks=all, a write needs <c>min.insync.replicas</c> copies.</summary>
internal static class TopicSpecifications
{
    public const string MinInSyncReplicas = "min.insync.replicas";

    /// <summary>At most 2 in-sync replicas required, so one broker of three may be down while writes go on.</summary>
    public static TopicSpecification For(TopicOptions topic, short replicationFactor) => new()
    {
        Name = topic.Name,
        NumPartitions = topic.Partitions,
        ReplicationFactor = replicationFactor,
        Configs = new Dictionary<string, string>
        {
            [MinInSyncReplicas] = Math.Min(2, (int)replicationFactor).ToString(CultureInfo.InvariantCulture),
        },
    };
}
