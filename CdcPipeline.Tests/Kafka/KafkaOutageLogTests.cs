using CdcPipeline.AppHost.Local.Kafka;
using CdcPipeline.Tests.Capture;
using CdcPipeline.Tests.Infrastructure.Kafka;
using CdcPipeline.Tests.Producer;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CdcPipeline.Tests.Kafka;

/// <summary>A broker that goes away and comes back, as the service's log tells it: once, then once more when it is back.</summary>
public sealed class KafkaOutageLogTests
{
    [Fact]
    public async Task A_broker_outage_is_logged_once_and_its_end_once()
    {
        using var cluster = new MockKafkaCluster(brokerCount: 1);
        var topic = KafkaFixture.UniqueTopic("outage-log");
        cluster.CreateTopic(topic, partitions: 1, replicationFactor: 1);
        var logs = new CapturedLogs();
        var builder = KafkaTestHost.CreateBuilder(cluster.BootstrapServers);
        builder.Logging.AddProvider(logs);
        builder.AddKafkaProducer<string, string>("kafka");
        using var host = builder.Build();
        var producer = host.Services.GetRequiredService<IProducer<string, string>>();
        await producer.ProduceAsync(topic, new Message<string, string> { Key = "k", Value = "before" }, TestContext.Current.CancellationToken);

        cluster.SetAllBrokersDown();
        // A message waiting for the broker keeps the client reconnecting, as a busy service's would.
        var during = producer.ProduceAsync(topic, new Message<string, string> { Key = "k", Value = "during" }, TestContext.Current.CancellationToken);
        var dependency = $"Kafka at {cluster.BootstrapServers}";
        await CaptureWait.UntilAsync(
            () => Task.FromResult(logs.AtLeast(LogLevel.Warning).Any(m => m.StartsWith($"{dependency} unavailable: ", StringComparison.Ordinal))),
            "the outage's first line");
        // Long enough for librdkafka to retry many times: each retry would have been a line or two.
        await Task.Delay(TimeSpan.FromSeconds(3), TestContext.Current.CancellationToken);
        cluster.SetAllBrokersUp();
        await during.WaitAsync(CaptureWait.Deadline, TestContext.Current.CancellationToken);
        await CaptureWait.UntilAsync(
            () => Task.FromResult(logs.Entries.Any(e => e.Message.StartsWith($"{dependency} available again after ", StringComparison.Ordinal))),
            "the outage's end");

        var lines = logs.Entries.Select(e => e.Message).ToList();
        Assert.True(lines.Count == 2, $"Expected the outage's start and end, nothing else:\n{logs}");
        Assert.StartsWith($"{dependency} unavailable: ", lines[0], StringComparison.Ordinal);
        Assert.Matches(@"available again after \d+ s \(\d+ failed attempts\)$", lines[1]);
    }
}
