using System.Text;
using CdcPipeline.AppHost.Local.Kafka;
using CdcPipeline.ServiceDefaults.Kafka;
using CdcPipeline.Tests.Infrastructure.Kafka;
using CdcPipeline.Tests.Producer;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CdcPipeline.Tests.Kafka;

public sealed class KafkaDeadLetterPublisherTests(KafkaFixture kafka) : IClassFixture<KafkaFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Dead_letter_keeps_the_original_bytes_and_headers_and_names_reason_and_origin()
    {
        var topic = KafkaFixture.UniqueTopic("dlq-origin");
        await kafka.CreateTopicAsync(topic, partitions: 2);
        byte[] key = [0x00, 0xC3, 0x28];
        byte[] value = [0x7B, 0xFF, 0xFE, 0x00, 0x7D];
        await kafka.ProduceRawAsync(topic, key, value, [new("source", "go-producer"u8.ToArray())], partition: 1);
        var origin = await ConsumeOneAsync(topic);
        using var host = BuildHost();

        var stored = await host.Services.GetRequiredService<KafkaDeadLetterPublisher>().PublishAsync(
            origin, Invalid("malformed JSON", new FormatException("'0xFF' is an invalid start of a value.")), CancellationToken.None);

        var dead = Assert.Single(await kafka.ReadToEndAsync($"{topic}.dlq", Timeout));
        Assert.Equal(stored.Offset.Value, dead.Offset);
        Assert.Equal(key, dead.Key);
        Assert.Equal(value, dead.Value);
        Assert.Equal("go-producer", dead.Header("source"));
        Assert.Equal("malformed JSON", dead.Header(KafkaDeadLetterHeaders.Reason));
        Assert.Equal("System.FormatException: '0xFF' is an invalid start of a value.", dead.Header(KafkaDeadLetterHeaders.Error));
        Assert.Equal(topic, dead.Header(KafkaDeadLetterHeaders.OriginTopic));
        Assert.Equal("1", dead.Header(KafkaDeadLetterHeaders.OriginPartition));
        Assert.Equal(origin.Offset.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), dead.Header(KafkaDeadLetterHeaders.OriginOffset));
        var when = DateTimeOffset.Parse(dead.Header(KafkaDeadLetterHeaders.Timestamp)!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(when, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
    }

    [Fact]
    public async Task Dead_letter_is_readable_by_an_independent_client()
    {
        var topic = KafkaFixture.UniqueTopic("dlq-kcat");
        await kafka.CreateTopicAsync(topic, partitions: 1);
        await kafka.ProduceAsync(topic, "user-42", "{\"id\":", [new("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")]);
        var origin = await ConsumeOneAsync(topic);
        using var host = BuildHost();
        await host.Services.GetRequiredService<KafkaDeadLetterPublisher>()
            .PublishAsync(origin, Invalid("truncated event"), CancellationToken.None);
        Assert.Single(await kafka.ReadToEndAsync($"{topic}.dlq", Timeout));

        Assert.SkipUnless(Kcat.IsAvailable, "kcat is not on PATH (apt-get install kcat): the independent read is skipped");
        var line = await Kcat.RunAsync(
            ["-b", kafka.BootstrapServers, "-C", "-t", $"{topic}.dlq", "-o", "beginning", "-e", "-q", "-f", "%k|%s|%h\n"], Timeout);

        var fields = line.TrimEnd('\n').Split('|');
        Assert.Equal("user-42", fields[0]);
        Assert.Equal("{\"id\":", fields[1]);
        Assert.Contains("dlq.reason=truncated event", fields[2], StringComparison.Ordinal);
        Assert.Contains($"dlq.origin.topic={topic}", fields[2], StringComparison.Ordinal);
        Assert.Contains("dlq.origin.offset=0", fields[2], StringComparison.Ordinal);
        Assert.DoesNotContain("dlq.error=", fields[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dead_letter_stays_in_the_trace_of_the_original_event()
    {
        const string traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        var topic = KafkaFixture.UniqueTopic("dlq-trace");
        await kafka.CreateTopicAsync(topic, partitions: 1);
        await kafka.ProduceAsync(topic, "k", "not json", [new("traceparent", $"00-{traceId}-00f067aa0ba902b7-01")]);
        var origin = await ConsumeOneAsync(topic);
        using var listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = source => source.Name == KafkaTelemetry.Name,
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) =>
                System.Diagnostics.ActivitySamplingResult.AllDataAndRecorded,
        };
        System.Diagnostics.ActivitySource.AddActivityListener(listener);
        using var host = BuildHost();

        string processSpanId;
        using (var process = KafkaActivities.StartProcess(origin, "g"))
        {
            processSpanId = process!.SpanId.ToHexString();
            await host.Services.GetRequiredService<KafkaDeadLetterPublisher>()
                .PublishAsync(origin, Invalid("malformed JSON"), TestContext.Current.CancellationToken);
        }

        var traceparent = Assert.Single(await kafka.ReadToEndAsync($"{topic}.dlq", Timeout)).Header("traceparent")!.Split('-');
        Assert.Equal(traceId, traceparent[1]);
        Assert.NotEqual(processSpanId, traceparent[2]);
        Assert.NotEqual("00f067aa0ba902b7", traceparent[2]);
    }

    [Fact]
    public async Task Publish_throws_when_the_dead_letter_cannot_be_delivered()
    {
        using var cluster = new MockKafkaCluster();
        using var client = new KafkaTestClient(cluster);
        var topic = KafkaFixture.UniqueTopic("dlq-down");
        cluster.CreateTopic(topic, partitions: 1);
        cluster.CreateTopic($"{topic}.dlq", partitions: 1);
        await client.ProduceAsync(topic, "k", "v");
        var origin = await ConsumeOneAsync(client, topic);
        using var host = BuildHost(cluster.BootstrapServers, KeyValuePair.Create<string, string?>("Aspire:Confluent:Kafka:DeadLetter:Config:message.timeout.ms", "1500"));
        var publisher = host.Services.GetRequiredService<KafkaDeadLetterPublisher>();
        cluster.SetAllBrokersDown();

        var error = await Assert.ThrowsAsync<KafkaDeadLetterException>(
            () => publisher.PublishAsync(origin, Invalid("unknown event type"), CancellationToken.None));

        Assert.Contains($"'{topic}.dlq'", error.Message, StringComparison.Ordinal);
        Assert.Contains("unknown event type", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cancelled_publish_stops_waiting_but_the_dead_letter_is_still_delivered()
    {
        using var cluster = new MockKafkaCluster(brokerCount: 1);
        using var client = new KafkaTestClient(cluster);
        var topic = KafkaFixture.UniqueTopic("dlq-cancel");
        cluster.CreateTopic(topic, partitions: 1, replicationFactor: 1);
        cluster.CreateTopic($"{topic}.dlq", partitions: 1, replicationFactor: 1);
        await client.ProduceAsync(topic, "k", "v");
        var origin = await ConsumeOneAsync(client, topic);
        using var host = BuildHost(cluster.BootstrapServers);
        var publisher = host.Services.GetRequiredService<KafkaDeadLetterPublisher>();
        await publisher.PublishAsync(origin, Invalid("first"), TestContext.Current.CancellationToken);
        cluster.SetBrokerRtt(1, TimeSpan.FromSeconds(3));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => publisher.PublishAsync(origin, Invalid("second"), cancel.Token));

        cluster.SetBrokerRtt(1, TimeSpan.Zero);
        var deadLetters = await client.ConsumeAllAsync($"{topic}.dlq", expectedCount: 2, Timeout);
        Assert.Equal(["first", "second"], deadLetters.Select(d => d.Header(KafkaDeadLetterHeaders.Reason)));
    }

    [Fact]
    public async Task Dead_letter_topic_suffix_is_configurable()
    {
        var topic = KafkaFixture.UniqueTopic("dlq-suffix");
        await kafka.CreateTopicAsync(topic, partitions: 1);
        await kafka.ProduceAsync(topic, "k", "v");
        var origin = await ConsumeOneAsync(topic);
        using var host = BuildHost(kafka.BootstrapServers, KeyValuePair.Create<string, string?>("Aspire:Confluent:Kafka:DeadLetter:TopicSuffix", "-parked"));

        await host.Services.GetRequiredService<KafkaDeadLetterPublisher>().PublishAsync(origin, Invalid("parked"), CancellationToken.None);

        Assert.Equal("v", Assert.Single(await kafka.ReadToEndAsync($"{topic}-parked", Timeout)).ValueString);
    }

    [Fact]
    public async Task Dead_letter_topic_is_created_with_the_origin_partition_count()
    {
        Assert.SkipWhen(kafka.IsMock, $"the mock cluster has no CreateTopics; set {KafkaFixture.BootstrapEnvironmentVariable} to a real cluster");
        var topic = KafkaFixture.UniqueTopic("dlq-create");
        await kafka.CreateTopicAsync(topic, partitions: 3);
        await kafka.ProduceAsync(topic, "k", "v");
        var origin = await ConsumeOneAsync(topic);
        using var host = BuildHost();

        await host.Services.GetRequiredService<KafkaDeadLetterPublisher>().PublishAsync(origin, Invalid("bad"), TestContext.Current.CancellationToken);

        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = kafka.BootstrapServers }).Build();
        Assert.Equal(3, admin.GetMetadata($"{topic}.dlq", Timeout).Topics.Single().Partitions.Count);
    }

    [Fact]
    public async Task Without_topic_administration_the_broker_is_noted_once_and_dead_letters_still_arrive()
    {
        Assert.SkipUnless(kafka.IsMock, "a real cluster supports CreateTopics");
        var first = KafkaFixture.UniqueTopic("dlq-auto-a");
        var second = KafkaFixture.UniqueTopic("dlq-auto-b");
        await kafka.CreateTopicAsync(first, partitions: 1);
        await kafka.CreateTopicAsync(second, partitions: 1);
        await kafka.ProduceAsync(first, "a", "1");
        await kafka.ProduceAsync(second, "b", "2");
        var fromFirst = await ConsumeOneAsync(first);
        var fromSecond = await ConsumeOneAsync(second);
        var logs = new CapturedLogs();
        var builder = KafkaTestHost.CreateBuilder(kafka.BootstrapServers);
        builder.Logging.AddProvider(logs);
        builder.AddKafkaDeadLetterPublisher("kafka");
        using var host = builder.Build();
        var publisher = host.Services.GetRequiredService<KafkaDeadLetterPublisher>();

        await publisher.PublishAsync(fromFirst, Invalid("bad"), TestContext.Current.CancellationToken);
        await publisher.PublishAsync(fromFirst, Invalid("bad again"), TestContext.Current.CancellationToken);
        await publisher.PublishAsync(fromSecond, Invalid("bad"), TestContext.Current.CancellationToken);

        Assert.Equal(2, (await kafka.ReadToEndAsync($"{first}.dlq", Timeout)).Count);
        Assert.Single(await kafka.ReadToEndAsync($"{second}.dlq", Timeout));
        Assert.Single(logs.AtLeast(LogLevel.Warning), m => m.Contains("does not support topic administration", StringComparison.Ordinal));
    }

    [Fact]
    public void Dead_letter_producer_gives_up_after_30_seconds_unless_configured()
    {
        using var defaults = BuildHost();
        using var configured = BuildHost(kafka.BootstrapServers, KeyValuePair.Create<string, string?>("Aspire:Confluent:Kafka:DeadLetter:Config:message.timeout.ms", "45000"));

        Assert.Equal(30_000, defaults.Services.GetRequiredService<KafkaDeadLetterSettings>().Config.MessageTimeoutMs);
        Assert.Equal(45_000, configured.Services.GetRequiredService<KafkaDeadLetterSettings>().Config.MessageTimeoutMs);
    }

    private IHost BuildHost() => BuildHost(kafka.BootstrapServers);

    private static IHost BuildHost(string bootstrapServers, params KeyValuePair<string, string?>[] settings)
    {
        var builder = KafkaTestHost.CreateBuilder(bootstrapServers, settings);
        builder.AddKafkaDeadLetterPublisher("kafka");
        return builder.Build();
    }

    private Task<ConsumeResult<byte[]?, byte[]?>> ConsumeOneAsync(string topic) => ConsumeOneAsync(kafka.Client, topic);

    private static Task<ConsumeResult<byte[]?, byte[]?>> ConsumeOneAsync(KafkaTestClient client, string topic) => Task.Run(() =>
    {
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(client.ConsumerConfig($"g-{Guid.NewGuid():N}")).Build();
        consumer.Subscribe(topic);
        try
        {
            var result = consumer.Consume(Timeout) ?? throw new TimeoutException($"No message on '{topic}' within {Timeout}.");
            return result;
        }
        finally
        {
            consumer.Close();
        }
    });

    private static KafkaDeadLetterReason Invalid(string text, Exception? error = null) => new(KafkaDeadLetterKind.Invalid, text, error);
}
