using System.Globalization;
using CdcPipeline.AppHost.Local.Kafka;
using CdcPipeline.Tests.Infrastructure.Kafka;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CdcPipeline.Tests.Kafka;

public sealed class KafkaMetricsTests(KafkaFixture kafka) : IClassFixture<KafkaFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Lag_gauge_reports_the_uncommitted_messages_of_a_partition()
    {
        var topic = KafkaFixture.UniqueTopic("lag");
        await kafka.CreateTopicAsync(topic, partitions: 2);
        for (var i = 0; i < 10; i++)
        {
            await kafka.ProduceAsync(topic, $"k{i}", $"v{i}", partition: 1);
        }

        using var lag = new MetricCollector("cdc.kafka.consumer.lag", topic);
        using var consumed = new MetricCollector("cdc.kafka.messages.consumed", topic);
        var group = $"lag-{Guid.NewGuid():N}";
        using var host = BuildConsumerHost(group);
        var consumer = host.Services.GetRequiredService<IConsumer<string, byte[]>>();
        consumer.Subscribe(topic);

        await Task.Run(() =>
        {
            // Read and commit four of ten, then stop reading partition 1 while statistics keep coming.
            ConsumeResult<string, byte[]>? fourth = null;
            for (var read = 0; read < 4;)
            {
                var result = consumer.Consume(Timeout) ?? throw new TimeoutException($"Nothing consumed from '{topic}'.");
                fourth = result;
                read++;
            }

            consumer.Commit(fourth!);
            consumer.Pause(consumer.Assignment);
        }, TestContext.Current.CancellationToken);

        var reported = await WaitForLagAsync(expected: 6, () =>
        {
            lag.Clear();
            consumer.Consume(TimeSpan.FromMilliseconds(100));
            lag.Observe();
            return lag.Measurements.Where(m => Equals(m.Tags["messaging.destination.partition.id"], "1")).ToArray();
        });

        Assert.Equal(group, reported.Tags["messaging.consumer.group.name"]);
        Assert.Equal(4, consumed.Sum);
        consumer.Close();
        lag.Clear();
        lag.Observe();
        Assert.Empty(lag.Measurements);
    }

    [Fact]
    public async Task Lag_of_a_partition_taken_away_from_the_consumer_is_no_longer_reported()
    {
        var topic = KafkaFixture.UniqueTopic("lag-revoked");
        await kafka.CreateTopicAsync(topic, partitions: 2);
        for (var i = 0; i < 10; i++)
        {
            await kafka.ProduceAsync(topic, $"k{i}", $"v{i}", partition: i % 2);
        }

        using var lag = new MetricCollector("cdc.kafka.consumer.lag", topic);
        using var host = BuildConsumerHost($"lag-revoked-{Guid.NewGuid():N}");
        var consumer = host.Services.GetRequiredService<IConsumer<string, byte[]>>();
        var kept = new TopicPartition(topic, 0);
        var revoked = new TopicPartition(topic, 1);
        consumer.Assign([new TopicPartitionOffset(kept, Offset.Beginning), new TopicPartitionOffset(revoked, Offset.Beginning)]);
        consumer.Commit([new TopicPartitionOffset(kept, 1), new TopicPartitionOffset(revoked, 2)]);

        string[] Reported()
        {
            lag.Clear();
            consumer.Consume(TimeSpan.FromMilliseconds(100));
            lag.Observe();
            return [.. lag.Measurements.Select(m => $"{m.Tags["messaging.destination.partition.id"]}={m.Value}").Order(StringComparer.Ordinal)];
        }

        await WaitForAsync(["0=4", "1=3"], Reported);
        consumer.Assign([new TopicPartitionOffset(kept, Offset.Stored)]);
        consumer.Pause([kept]);

        await WaitForAsync(["0=4"], Reported);
        consumer.Close();
    }

    [Fact]
    public async Task Lag_of_a_disposed_consumer_is_no_longer_reported()
    {
        var topic = KafkaFixture.UniqueTopic("lag-disposed");
        await kafka.CreateTopicAsync(topic, partitions: 1);
        for (var i = 0; i < 3; i++)
        {
            await kafka.ProduceAsync(topic, $"k{i}", $"v{i}");
        }

        using var lag = new MetricCollector("cdc.kafka.consumer.lag", topic);
        using var host = BuildConsumerHost($"lag-disposed-{Guid.NewGuid():N}");
        var consumer = host.Services.GetRequiredService<IConsumer<string, byte[]>>();
        var partition = new TopicPartition(topic, 0);
        consumer.Assign([new TopicPartitionOffset(partition, Offset.Beginning)]);
        consumer.Commit([new TopicPartitionOffset(partition, 1)]);
        await WaitForAsync(["0=2"], () =>
        {
            lag.Clear();
            consumer.Consume(TimeSpan.FromMilliseconds(100));
            lag.Observe();
            return [.. lag.Measurements.Select(m => $"{m.Tags["messaging.destination.partition.id"]}={m.Value}")];
        });

        consumer.Dispose();
        await Task.Delay(TimeSpan.FromMilliseconds(500), TestContext.Current.CancellationToken);
        lag.Clear();
        lag.Observe();

        Assert.Empty(lag.Measurements);
    }

    [Fact]
    public async Task Produced_and_failed_messages_are_counted_per_topic()
    {
        using var cluster = new MockKafkaCluster();
        var topic = KafkaFixture.UniqueTopic("produced");
        cluster.CreateTopic(topic, partitions: 1);
        using var produced = new MetricCollector("cdc.kafka.messages.produced", topic);
        using var failed = new MetricCollector("cdc.kafka.produce.failures", topic);
        var builder = KafkaTestHost.CreateBuilder(
            cluster.BootstrapServers,
            KeyValuePair.Create<string, string?>("Aspire:Confluent:Kafka:Producer:Config:message.timeout.ms", "1500"));
        builder.AddKafkaProducer<string, string>("kafka");
        using var host = builder.Build();
        var producer = host.Services.GetRequiredService<IProducer<string, string>>();

        for (var i = 0; i < 3; i++)
        {
            await producer.ProduceAsync(topic, new Message<string, string> { Key = "k", Value = i.ToString(CultureInfo.InvariantCulture) }, TestContext.Current.CancellationToken);
        }

        cluster.SetAllBrokersDown();
        await Assert.ThrowsAsync<ProduceException<string, string>>(
            () => producer.ProduceAsync(topic, new Message<string, string> { Key = "k", Value = "lost" }, TestContext.Current.CancellationToken));

        Assert.Equal(3, produced.Sum);
        var failure = Assert.Single(failed.Measurements);
        Assert.Equal(nameof(ErrorCode.Local_MsgTimedOut), failure.Tags["error.type"]);
    }

    private IHost BuildConsumerHost(string group)
    {
        var builder = KafkaTestHost.CreateBuilder(
            kafka.BootstrapServers,
            KeyValuePair.Create<string, string?>("Aspire:Confluent:Kafka:Consumer:Config:statistics.interval.ms", "100"));
        builder.AddKafkaConsumer<string, byte[]>("kafka", settings =>
        {
            settings.Config.GroupId = group;
            settings.Config.AutoOffsetReset = AutoOffsetReset.Earliest;
            settings.Config.EnableAutoCommit = false;
            settings.Config.SessionTimeoutMs = kafka.SessionTimeoutMs;
        });
        return builder.Build();
    }

    /// <summary>Probes until the gauge reports exactly <paramref name="expected"/> (partition=lag), five times in a row.</summary>
    private static async Task WaitForAsync(string[] expected, Func<string[]> probe)
    {
        var deadline = DateTime.UtcNow + Timeout;
        string[] last = [];
        var inARow = 0;
        while (DateTime.UtcNow < deadline && inARow < 5)
        {
            last = await Task.Run(probe, TestContext.Current.CancellationToken);
            inARow = last.SequenceEqual(expected) ? inARow + 1 : 0;
        }

        Assert.True(inARow == 5, $"Lag not reported as [{string.Join(", ", expected)}] within {Timeout}; last seen: [{string.Join(", ", last)}].");
    }

    /// <summary>
    /// Probes until the gauge reports <paramref name="expected"/> for the partition: statistics arrive every 100 ms,
    /// and the lag is unknown (not reported) until the committed offset and the partition's end are known.
    /// </summary>
    private static async Task<(long Value, Dictionary<string, object?> Tags)> WaitForLagAsync(
        long expected, Func<(long Value, Dictionary<string, object?> Tags)[]> probe)
    {
        var deadline = DateTime.UtcNow + Timeout;
        (long Value, Dictionary<string, object?> Tags)[] last = [];
        while (DateTime.UtcNow < deadline)
        {
            last = await Task.Run(probe, TestContext.Current.CancellationToken);
            if (last.Length == 1 && last[0].Value == expected)
            {
                return last[0];
            }
        }

        Assert.Fail($"Lag of partition 1 not reported as {expected} within {Timeout}; last seen: [{string.Join(", ", last.Select(m => m.Value))}].");
        return default;
    }
}
