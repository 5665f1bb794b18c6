using System.Text;
using CdcPipeline.Tests.Infrastructure.Kafka;
using CdcPipeline.Tests.Producer;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CdcPipeline.Tests.Kafka;

public sealed class KafkaPartitionerSettingsTests(KafkaFixture kafka) : IClassFixture<KafkaFixture>
{
    private const int Partitions = 6;

    [Theory]
    [InlineData("murmur2_random")]
    [InlineData("fnv1a_random")]
    public async Task Partitioner_from_configuration_starts_the_producer_and_places_keys_by_its_hash(string partitioner)
    {
        var topic = KafkaFixture.UniqueTopic("partitioner");
        await kafka.CreateTopicAsync(topic, Partitions);
        var builder = KafkaTestHost.CreateBuilder(
            kafka.BootstrapServers, new KeyValuePair<string, string?>("Aspire:Confluent:Kafka:Producer:Config:partitioner", partitioner));
        builder.AddKafkaProducer<string, string>("kafka", s => s.DisableHealthChecks = true);
        using var host = builder.Build();
        var producer = host.Services.GetRequiredService<IProducer<string, string>>();

        foreach (var key in Enumerable.Range(0, 24).Select(i => $"user-{i}"))
        {
            var delivered = await producer.ProduceAsync(topic, new Message<string, string> { Key = key, Value = "v" }, TestContext.Current.CancellationToken)
                .WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

            var expected = partitioner.StartsWith("murmur2", StringComparison.Ordinal)
                ? Murmur2PartitionOf(key, Partitions)
                : GoHashPartitioner.PartitionOf(key, Partitions);
            Assert.Equal(expected, delivered.Partition.Value);
        }
    }

    /// <summary>Java Kafka's default partitioner: murmur2 of the key, sign bit cleared, modulo.</summary>
    private static int Murmur2PartitionOf(string key, int partitions)
    {
        const uint m = 0x5bd1e995;
        const int r = 24;
        var data = Encoding.UTF8.GetBytes(key);
        var length = data.Length;
        var h = 0x9747b28c ^ (uint)length;
        var i = 0;
        for (; i + 4 <= length; i += 4)
        {
            var k = (uint)(data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24));
            k *= m;
            k ^= k >> r;
            k *= m;
            h *= m;
            h ^= k;
        }

        switch (length - i)
        {
            case 3:
                h ^= (uint)data[i + 2] << 16;
                goto case 2;
            case 2:
                h ^= (uint)data[i + 1] << 8;
                goto case 1;
            case 1:
                h ^= data[i];
                h *= m;
                break;
        }

        h ^= h >> 13;
        h *= m;
        h ^= h >> 15;
        return (int)((h & 0x7fffffff) % (uint)partitions);
    }
}
