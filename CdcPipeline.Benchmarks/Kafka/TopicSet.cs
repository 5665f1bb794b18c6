using Confluent.Kafka;

namespace CdcPipeline.Benchmarks.Kafka;

/// <summary>Topics and their partition counts, as this run created them.</summary>
internal sealed record TopicSet(IReadOnlyDictionary<string, int> Partitions)
{
    public IEnumerable<string> Names => Partitions.Keys;

    public IReadOnlyList<TopicPartition> AllPartitions =>
        [.. Partitions.SelectMany(topic => Enumerable.Range(0, topic.Value).Select(p => new TopicPartition(topic.Key, p)))];

    public static TopicSet Of(params (string Name, int Partitions)[] topics) =>
        new(topics.ToDictionary(t => t.Name, t => t.Partitions, StringComparer.Ordinal));
}
