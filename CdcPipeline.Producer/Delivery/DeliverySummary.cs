namespace CdcPipeline.Producer.Delivery;

/// <summary>What became of the events handed to Kafka: every produced event ends delivered, failed or unconfirmed.</summary>
internal sealed record DeliverySummary(long Produced, long Delivered, long Failed)
{
    /// <summary>Events with no acknowledgement and no error when the run ended: their fate is unknown, so they count as lost.</summary>
    public long Unconfirmed => Produced - Delivered - Failed;

    public long Lost => Failed + Unconfirmed;
}
