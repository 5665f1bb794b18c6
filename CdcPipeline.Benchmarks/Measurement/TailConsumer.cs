using Confluent.Kafka;

namespace CdcPipeline.Benchmarks.Measurement;

/// <summary>A consumer of the given partitions from their current end, committing nothing.</summary>
internal static class TailConsumer
{
    public static IConsumer<byte[]?, byte[]?> Create(string bootstrap, IReadOnlyList<TopicPartition> partitions)
    {
        var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "benchmark-tail",
            EnableAutoCommit = false,
            FetchWaitMaxMs = 5,
        }).Build();
        consumer.Assign(partitions.Select(p => new TopicPartitionOffset(p, Offset.End)));
        return consumer;
    }
}
