using System.Text.Json;
using CdcPipeline.AppHost.Local.Kafka;
using CdcPipeline.Tests.Infrastructure.Kafka;
using Confluent.Kafka;

namespace CdcPipeline.Tests.Kafka;

public sealed class MockKafkaClusterTests(KafkaFixture kafka) : IClassFixture<KafkaFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Produced_messages_are_read_back_with_keys_values_and_headers_from_every_partition()
    {
        var topic = KafkaFixture.UniqueTopic("roundtrip");
        await kafka.CreateTopicAsync(topic, partitions: 3);

        for (var i = 0; i < 9; i++)
        {
            await kafka.ProduceRawAsync(topic, [(byte)i], [0xFF, (byte)i], [new("h", [(byte)i])], partition: i % 3);
        }

        var records = await kafka.ConsumeAllAsync(topic, expectedCount: 9, Timeout);

        Assert.Equal(9, records.Count);
        Assert.Equal([0, 1, 2], records.Select(r => r.Partition).Distinct().Order());
        Assert.All(records, r => Assert.Equal(new byte[] { 0xFF, r.Key![0] }, r.Value));
        Assert.All(records, r => Assert.Equal(r.Key, r.HeaderBytes("h")));
    }

    [Fact]
    public async Task Read_to_end_returns_exactly_what_the_topic_holds()
    {
        var topic = KafkaFixture.UniqueTopic("to-end");
        await kafka.CreateTopicAsync(topic, partitions: 2);
        Assert.Empty(await kafka.ReadToEndAsync(topic, Timeout));

        await kafka.ProduceAsync(topic, "k1", "v1", [new("reason", "because")]);
        await kafka.ProduceAsync(topic, "k2", "v2");

        var records = await kafka.ReadToEndAsync(topic, Timeout);

        Assert.Equal(["k1", "k2"], records.Select(r => r.KeyString).Order());
        Assert.Equal("because", records.Single(r => r.KeyString == "k1").Header("reason"));
    }

    [Fact]
    public async Task Another_process_sees_three_brokers_and_the_created_topic()
    {
        Assert.SkipUnless(Kcat.IsAvailable, "kcat is not on PATH (apt-get install kcat)");
        var topic = KafkaFixture.UniqueTopic("kcat-list");
        await kafka.CreateTopicAsync(topic, partitions: 5);

        var json = await Kcat.RunAsync(["-b", kafka.BootstrapServers, "-L", "-J", "-m", "10"], Timeout);

        using var metadata = JsonDocument.Parse(json);
        var brokers = metadata.RootElement.GetProperty("brokers").GetArrayLength();
        var listed = metadata.RootElement.GetProperty("topics").EnumerateArray()
            .Single(t => t.GetProperty("topic").GetString() == topic);
        if (kafka.IsMock)
        {
            Assert.Equal(3, brokers);
        }
        else
        {
            Assert.InRange(brokers, 1, int.MaxValue);
        }

        Assert.Equal(5, listed.GetProperty("partitions").GetArrayLength());
    }

    [Fact]
    public async Task Injected_produce_errors_are_retried_by_an_idempotent_producer()
    {
        using var cluster = new MockKafkaCluster();
        using var client = new KafkaTestClient(cluster);
        var topic = KafkaFixture.UniqueTopic("faults");
        cluster.CreateTopic(topic, partitions: 1);
        cluster.PushRequestErrors(KafkaApiKey.Produce, ErrorCode.NotEnoughReplicas, ErrorCode.NotEnoughReplicas);

        var delivery = await client.ProduceAsync(topic, "k", "v");

        Assert.Equal(PersistenceStatus.Persisted, delivery.Status);
        Assert.Single(await client.ReadToEndAsync(topic, Timeout));
    }

    [Fact]
    public void A_property_librdkafka_refuses_is_reported_by_name()
    {
        LibRdKafka.EnsureLoaded();
        var conf = LibRdKafka.rd_kafka_conf_new();

        var error = Assert.Throws<InvalidOperationException>(() => LibRdKafka.SetOrDestroy(conf, "no.such.property", "1"));

        Assert.Contains("'no.such.property=1'", error.Message, StringComparison.Ordinal);
        Assert.Contains("No such configuration property", error.Message, StringComparison.Ordinal);
    }
}
