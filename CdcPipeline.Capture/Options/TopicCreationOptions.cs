namespace CdcPipeline.Capture.Options;

/// <summary>
/// How missing topics are created (<c>Capture:TopicCreation</c>), as the connector's <c>topic.creation.default.*</c>:
/// 6 partitions, replication factor 3, <c>min.insync.replicas</c> 2.
/// </summary>
public sealed class TopicCreationOptions
{
    public int Partitions { get; set; } = 6;

    public short ReplicationFactor { get; set; } = 3;

    public int MinInSyncReplicas { get; set; } = 2;
}
