namespace CdcPipeline.Producer.Options;

/// <summary>One topic the Producer writes to and ensures before sending.</summary>
public sealed class TopicOptions
{
    public string Name { get; set; } = "";

    public int Partitions { get; set; }

    /// <summary>Lowered (with a warning) when the cluster has fewer brokers.</summary>
    public short ReplicationFactor { get; set; } = 3;
}
