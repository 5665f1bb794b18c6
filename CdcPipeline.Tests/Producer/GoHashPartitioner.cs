using System.Text;

namespace CdcPipeline.Tests.Producer;

/// <summary>The Go original's partitioner (kafka-go <c>Hash</c>, like Sarama's): FNV-1a of the key, as int32, modulo, absolute.</summary>
internal static class GoHashPartitioner
{
    public static int PartitionOf(string key, int partitions)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(key))
        {
            hash ^= b;
            hash *= 16777619u;
        }

        var partition = unchecked((int)hash) % partitions;
        return partition < 0 ? -partition : partition;
    }
}
