namespace CdcPipeline.Producer.Options;

/// <summary>The topics of section <c>Producer:Topics</c>.</summary>
public sealed class ProducerTopicsOptions
{
    public TopicOptions Users { get; set; } = new() { Name = "users", Partitions = 3 };

    public TopicOptions Orders { get; set; } = new() { Name = "orders", Partitions = 5 };
}
