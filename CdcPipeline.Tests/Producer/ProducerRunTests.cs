using System.Text.Json;
using CdcPipeline.AppHost.Local.Kafka;
using CdcPipeline.Producer.Generation;
using CdcPipeline.Tests.Infrastructure.Kafka;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CdcPipeline.Tests.Producer;

public sealed class ProducerRunTests(KafkaFixture kafka) : IClassFixture<KafkaFixture>
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(30);
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 21, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Once_mode_delivers_the_original_run_partitioned_by_key_and_exits_0()
    {
        var settings = new ProducerSettings(kafka.BootstrapServers).With("Producer:Seed", "42");
        await kafka.CreateTopicAsync(settings.UsersTopic, partitions: 3);
        await kafka.CreateTopicAsync(settings.OrdersTopic, partitions: 5);
        using var kafkaProduced = new Kafka.MetricCollector("cdc.kafka.messages.produced", settings.UsersTopic);
        await using var producer = ProducerHost.Create(settings.Values, new FixedTimeProvider(Now));

        var exitCode = await producer.RunToEndAsync(RunTimeout);

        Assert.Equal(0, exitCode);
        Assert.Equal(17, producer.Outcome.Summary!.Delivered);
        Assert.Equal(0, producer.Outcome.Summary.Lost);
        var users = await kafka.ConsumeAllAsync(settings.UsersTopic, expectedCount: 7, ReadTimeout);
        var orders = await kafka.ConsumeAllAsync(settings.OrdersTopic, expectedCount: 10, ReadTimeout);

        // Exactly the events the generator makes from seed 42, each once, in order per key.
        var generator = new EventGenerator(42, new FixedTimeProvider(Now));
        var expectedUsers = Enumerable.Range(0, 7).Select(_ => generator.NextUserEvent()).ToList();
        var expectedOrders = Enumerable.Range(0, 10).Select(_ => generator.NextOrderEvent()).ToList();
        AssertSameEventsInKeyOrder(expectedUsers, users);
        AssertSameEventsInKeyOrder(expectedOrders, orders);

        Assert.All(users, r => Assert.Equal(GoHashPartitioner.PartitionOf(r.KeyString!, 3), r.Partition));
        Assert.All(orders, r => Assert.Equal(GoHashPartitioner.PartitionOf(r.KeyString!, 5), r.Partition));
        Assert.All(users, r => Assert.Equal(IdOf(r, "user_id"), r.KeyString));
        Assert.All(orders, r => Assert.Equal(IdOf(r, "order_id"), r.KeyString));
        Assert.All(users.Concat(orders), r => Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$", r.Header("traceparent")));

        Assert.Equal(7, producer.Counted("cdc.producer.events.sent", $"messaging.destination.name={settings.UsersTopic}"));
        Assert.Equal(10, producer.Counted("cdc.producer.events.sent", $"messaging.destination.name={settings.OrdersTopic}"));
        Assert.Equal(6, producer.Counted("cdc.producer.events.sent", $"messaging.destination.name={settings.OrdersTopic}", "cdc.event.type=CREATE"));
        Assert.Equal(0, producer.Counted("cdc.producer.delivery.failures"));
        Assert.Equal(0, kafkaProduced.Sum);
        Assert.Contains(producer.Logs.AtLeast(LogLevel.Information), m => m.Contains("17 events sent, 17 delivered, 0 failed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_producer_runs_alone_as_a_process_and_exits_0_after_the_original_run()
    {
        var settings = new ProducerSettings(kafka.BootstrapServers);
        await kafka.CreateTopicAsync(settings.UsersTopic, partitions: 3);
        await kafka.CreateTopicAsync(settings.OrdersTopic, partitions: 5);

        var (exitCode, output) = await ProducerProcess.RunAsync(settings.Values, RunTimeout);

        Assert.True(exitCode == 0, output);
        Assert.Contains("17 events sent, 17 delivered, 0 failed, 0 unconfirmed", output, StringComparison.Ordinal);
        Assert.Equal(7, (await kafka.ConsumeAllAsync(settings.UsersTopic, expectedCount: 7, ReadTimeout)).Count);
        Assert.Equal(10, (await kafka.ConsumeAllAsync(settings.OrdersTopic, expectedCount: 10, ReadTimeout)).Count);
    }

    [Fact]
    public async Task The_producer_process_exits_non_zero_when_a_topic_has_too_few_partitions()
    {
        var settings = new ProducerSettings(kafka.BootstrapServers);
        await kafka.CreateTopicAsync(settings.UsersTopic, partitions: 2);
        await kafka.CreateTopicAsync(settings.OrdersTopic, partitions: 5);

        var (exitCode, output) = await ProducerProcess.RunAsync(settings.Values, RunTimeout);

        Assert.True(exitCode != 0, output);
        Assert.Contains($"Topic '{settings.UsersTopic}' has 2 partition(s) but Producer:Topics:Users:Partitions wants 3", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_topic_with_fewer_partitions_than_configured_is_reported_and_nothing_is_sent()
    {
        var settings = new ProducerSettings(kafka.BootstrapServers);
        await kafka.CreateTopicAsync(settings.UsersTopic, partitions: 3);
        await kafka.CreateTopicAsync(settings.OrdersTopic, partitions: 1);
        await using var producer = ProducerHost.Create(settings.Values);

        var exitCode = await producer.RunToEndAsync(RunTimeout);

        Assert.NotEqual(0, exitCode);
        Assert.Contains(
            producer.Logs.AtLeast(LogLevel.Error),
            m => m.Contains($"Topic '{settings.OrdersTopic}' has 1 partition(s) but Producer:Topics:Orders:Partitions wants 5", StringComparison.Ordinal));
        Assert.Empty(await kafka.ReadToEndAsync(settings.UsersTopic, ReadTimeout));
        Assert.Empty(await kafka.ReadToEndAsync(settings.OrdersTopic, ReadTimeout));
    }

    [Fact]
    public async Task Missing_topics_on_a_broker_without_topic_administration_are_reported_by_name()
    {
        Assert.SkipUnless(kafka.IsMock, "a real cluster creates the topics (see Missing_topics_are_created_with_their_partitions)");
        var settings = new ProducerSettings(kafka.BootstrapServers);
        await using var producer = ProducerHost.Create(settings.Values);

        var exitCode = await producer.RunToEndAsync(RunTimeout);

        Assert.NotEqual(0, exitCode);
        Assert.Contains(producer.Logs.AtLeast(LogLevel.Warning), m => m.Contains("does not support topic administration", StringComparison.Ordinal));
        Assert.Contains(
            producer.Logs.AtLeast(LogLevel.Error),
            m => m.Contains($"'{settings.UsersTopic}' (Producer:Topics:Users:Name)", StringComparison.Ordinal)
                && m.Contains($"'{settings.OrdersTopic}' (Producer:Topics:Orders:Name)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Missing_topics_are_created_with_their_partitions()
    {
        Assert.SkipWhen(kafka.IsMock, $"the mock cluster has no topic administration; set {KafkaFixture.BootstrapEnvironmentVariable} to a real cluster");
        var settings = new ProducerSettings(kafka.BootstrapServers);
        await using var producer = ProducerHost.Create(settings.Values);

        var exitCode = await producer.RunToEndAsync(RunTimeout);

        Assert.Equal(0, exitCode);
        var users = await kafka.ConsumeAllAsync(settings.UsersTopic, expectedCount: 7, ReadTimeout);
        var orders = await kafka.ConsumeAllAsync(settings.OrdersTopic, expectedCount: 10, ReadTimeout);
        Assert.Equal(7, users.Count);
        Assert.Equal(10, orders.Count);
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = kafka.BootstrapServers }).Build();
        var metadata = admin.GetMetadata(ReadTimeout);
        Assert.Equal(3, metadata.Topics.Single(t => t.Topic == settings.UsersTopic).Partitions.Count);
        Assert.Equal(5, metadata.Topics.Single(t => t.Topic == settings.OrdersTopic).Partitions.Count);
    }

    [Fact]
    public async Task Transient_produce_errors_are_retried_and_every_event_is_delivered()
    {
        using var cluster = new MockKafkaCluster(brokerCount: 3);
        using var reader = new KafkaTestClient(cluster);
        var settings = new ProducerSettings(cluster.BootstrapServers);
        cluster.CreateTopic(settings.UsersTopic, 3);
        cluster.CreateTopic(settings.OrdersTopic, 5);
        cluster.PushRequestErrors(KafkaApiKey.Produce, ErrorCode.NotEnoughReplicas, ErrorCode.LeaderNotAvailable, ErrorCode.RequestTimedOut);
        await using var producer = ProducerHost.Create(settings.Values);

        var exitCode = await producer.RunToEndAsync(RunTimeout);

        Assert.Equal(0, exitCode);
        Assert.Equal(7, (await reader.ReadToEndAsync(settings.UsersTopic, ReadTimeout)).Count);
        Assert.Equal(10, (await reader.ReadToEndAsync(settings.OrdersTopic, ReadTimeout)).Count);
    }

    [Fact]
    public async Task Events_the_cluster_refuses_are_counted_and_the_run_exits_non_zero()
    {
        using var cluster = new MockKafkaCluster(brokerCount: 3);
        var settings = new ProducerSettings(cluster.BootstrapServers)
            .With("Aspire:Confluent:Kafka:Producer:Config:message.timeout.ms", "5000");
        cluster.CreateTopic(settings.UsersTopic, 3);
        cluster.CreateTopic(settings.OrdersTopic, 5);
        cluster.PushRequestErrors(KafkaApiKey.Produce, Enumerable.Repeat(ErrorCode.TopicAuthorizationFailed, 100).ToArray());
        await using var producer = ProducerHost.Create(settings.Values);

        var exitCode = await producer.RunToEndAsync(RunTimeout);

        Assert.NotEqual(0, exitCode);
        var summary = producer.Outcome.Summary!;
        Assert.Equal(17, summary.Produced);
        Assert.Equal(17, summary.Failed);
        Assert.Equal(0, summary.Delivered);
        Assert.Equal(17, producer.Counted("cdc.producer.delivery.failures"));
        Assert.Contains(producer.Logs.AtLeast(LogLevel.Error), m => m.Contains("17 of 17 events were not delivered", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_fatal_producer_error_ends_a_continuous_run_with_a_non_zero_exit()
    {
        using var cluster = new MockKafkaCluster(brokerCount: 3);
        var settings = new ProducerSettings(cluster.BootstrapServers)
            .With("Producer:Mode", "continuous")
            .With("Producer:EventsPerSecond", "100");
        cluster.CreateTopic(settings.UsersTopic, 3);
        cluster.CreateTopic(settings.OrdersTopic, 5);
        cluster.PushRequestErrors(KafkaApiKey.InitProducerId, ErrorCode.ClusterAuthorizationFailed);
        await using var producer = ProducerHost.Create(settings.Values);

        var exitCode = await producer.RunToEndAsync(RunTimeout);

        Assert.NotEqual(0, exitCode);
        Assert.Equal(0, producer.Outcome.Summary!.Delivered);
        Assert.Contains(producer.Logs.AtLeast(LogLevel.Error), m => m.StartsWith("Kafka failed, the run stops: ClusterAuthorizationFailed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Continuous_mode_sends_until_stopped_then_flushes_every_event()
    {
        var settings = new ProducerSettings(kafka.BootstrapServers)
            .With("Producer:Mode", "continuous")
            .With("Producer:EventsPerSecond", "200")
            .With("Producer:ProgressInterval", "00:00:00.2");
        await kafka.CreateTopicAsync(settings.UsersTopic, partitions: 3);
        await kafka.CreateTopicAsync(settings.OrdersTopic, partitions: 5);
        await using var producer = ProducerHost.Create(settings.Values);

        producer.Start();
        var deadline = DateTime.UtcNow + RunTimeout;
        while (producer.Progress.Delivered < 100 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        var exitCode = await producer.StopAsync();

        Assert.Equal(0, exitCode);
        var summary = producer.Outcome.Summary!;
        Assert.True(summary.Delivered >= 100, producer.Logs.ToString());
        Assert.Equal(summary.Produced, summary.Delivered);
        var users = await kafka.ReadToEndAsync(settings.UsersTopic, ReadTimeout);
        var orders = await kafka.ReadToEndAsync(settings.OrdersTopic, ReadTimeout);
        Assert.Equal(summary.Delivered, users.Count + orders.Count);
        Assert.NotEmpty(users);
        Assert.NotEmpty(orders);
        Assert.Contains(producer.Logs.AtLeast(LogLevel.Information), m => m.StartsWith("Progress: ", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Producer:EventsPerSecond", "0", "Producer:EventsPerSecond must be between 1 and")]
    [InlineData("Producer:Users", "0", "Producer:Orders is 10 but Producer:Users is 0")]
    [InlineData("Producer:Topics:Orders:Partitions", "0", "Producer:Topics:Orders:Partitions must be at least 1")]
    [InlineData("Producer:FlushTimeout", "00:01:00", "Producer:FlushTimeout (00:01:00) must exceed the Kafka delivery timeout Aspire:Confluent:Kafka:Producer:Config:message.timeout.ms (120000 ms)")]
    public async Task An_invalid_setting_stops_the_service_with_a_message_naming_it(string key, string value, string message)
    {
        var settings = new ProducerSettings("127.0.0.1:9")
            .With("Producer:Mode", "Continuous")
            .With(key, value);
        await using var producer = ProducerHost.Create(settings.Values);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => producer.RunToEndAsync(RunTimeout));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    private static void AssertSameEventsInKeyOrder(List<GeneratedEvent> expected, IReadOnlyList<KafkaRecord> records)
    {
        Assert.Equal(expected.Count, records.Count);
        foreach (var key in expected.Select(e => e.Key).Distinct())
        {
            Assert.Equal(
                expected.Where(e => e.Key == key).Select(e => e.Json),
                records.Where(r => r.KeyString == key).OrderBy(r => r.Offset).Select(r => r.Value!));
        }
    }

    private static string IdOf(KafkaRecord record, string field)
    {
        using var json = JsonDocument.Parse(record.Value!);
        return json.RootElement.GetProperty(field).GetString()!;
    }
}
