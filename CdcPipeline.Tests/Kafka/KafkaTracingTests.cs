using System.Diagnostics;
using System.Text;
using CdcPipeline.AppHost.Local.Kafka;
using CdcPipeline.ServiceDefaults.Kafka;
using CdcPipeline.Tests.Infrastructure.Kafka;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace CdcPipeline.Tests.Kafka;

public sealed class KafkaTracingTests(KafkaFixture kafka) : IClassFixture<KafkaFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Consumer_process_span_continues_the_trace_of_the_producer_span()
    {
        var topic = KafkaFixture.UniqueTopic("traced");
        await kafka.CreateTopicAsync(topic, partitions: 3);
        var spans = new List<Activity>();
        var group = $"traced-{Guid.NewGuid():N}";
        using var host = BuildHost(spans, group);
        await host.StartAsync(TestContext.Current.CancellationToken);

        var producer = host.Services.GetRequiredService<IProducer<string, string>>();
        var delivered = await producer.ProduceAsync(topic, new Message<string, string> { Key = "user-1", Value = "{}" }, TestContext.Current.CancellationToken);

        var consumer = host.Services.GetRequiredService<IConsumer<string, byte[]>>();
        consumer.Subscribe(topic);
        var result = await Task.Run(() => consumer.Consume(Timeout));
        Assert.NotNull(result);
        using (KafkaActivities.StartProcess(result, group))
        {
        }

        consumer.Close();
        await host.StopAsync(TestContext.Current.CancellationToken);

        Activity send;
        Activity process;
        lock (spans)
        {
            send = Assert.Single(spans, s => s.Kind == ActivityKind.Producer && Equals(s.GetTagItem("messaging.destination.name"), topic));
            process = Assert.Single(spans, s => s.Kind == ActivityKind.Consumer && Equals(s.GetTagItem("messaging.destination.name"), topic));
        }

        Assert.Equal($"send {topic}", send.DisplayName);
        Assert.Equal("kafka", send.GetTagItem("messaging.system"));
        Assert.Equal("send", send.GetTagItem("messaging.operation.name"));
        Assert.Equal("send", send.GetTagItem("messaging.operation.type"));
        Assert.Equal(delivered.Offset.Value, send.GetTagItem("messaging.kafka.offset"));
        Assert.Equal($"process {topic}", process.DisplayName);
        Assert.Equal(send.TraceId, process.TraceId);
        Assert.Equal(send.SpanId, process.ParentSpanId);
        Assert.Equal(group, process.GetTagItem("messaging.consumer.group.name"));
        Assert.True(result.Message.Headers.TryGetLastBytes("traceparent", out var traceparent));
        Assert.Equal($"00-{send.TraceId}-{send.SpanId}-01", Encoding.ASCII.GetString(traceparent));
    }

    [Fact]
    public async Task Baggage_set_by_the_producer_side_is_the_current_baggage_of_the_consumer_process_span()
    {
        var topic = KafkaFixture.UniqueTopic("baggage");
        await kafka.CreateTopicAsync(topic, partitions: 1);
        var group = $"baggage-{Guid.NewGuid():N}";
        using var host = BuildHost([], group);
        await host.StartAsync(TestContext.Current.CancellationToken);
        var producer = host.Services.GetRequiredService<IProducer<string, string>>();

        await Task.Run(async () =>
        {
            Baggage.SetBaggage("tenant.id", "acme");
            await producer.ProduceAsync(topic, new Message<string, string> { Key = "k", Value = "v" }, TestContext.Current.CancellationToken);
        }, TestContext.Current.CancellationToken);

        var consumer = host.Services.GetRequiredService<IConsumer<string, byte[]>>();
        consumer.Subscribe(topic);
        var result = await Task.Run(() => consumer.Consume(Timeout));
        Assert.NotNull(result);
        Assert.True(result.Message.Headers.TryGetLastBytes("baggage", out var header));
        Assert.Equal("tenant.id=acme", Encoding.UTF8.GetString(header));
        var seen = await Task.Run(() =>
        {
            using (KafkaActivities.StartProcess(result, group))
            {
                return Baggage.GetBaggage("tenant.id");
            }
        }, TestContext.Current.CancellationToken);

        consumer.Close();
        await host.StopAsync(TestContext.Current.CancellationToken);
        Assert.Equal("acme", seen);
    }

    [Fact]
    public async Task Produce_with_delivery_handler_injects_trace_context_and_ends_the_span_on_delivery()
    {
        var topic = KafkaFixture.UniqueTopic("traced-sync");
        await kafka.CreateTopicAsync(topic, partitions: 1);
        var spans = new List<Activity>();
        using var host = BuildHost(spans, group: "unused");
        await host.StartAsync(TestContext.Current.CancellationToken);
        var producer = host.Services.GetRequiredService<IProducer<string, string>>();
        var delivered = new TaskCompletionSource<DeliveryReport<string, string>>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var parent = new Activity("request").Start();
        parent.ActivityTraceFlags = ActivityTraceFlags.Recorded;

        producer.Produce(topic, new Message<string, string> { Key = "k", Value = "v" }, delivered.SetResult);

        Assert.Same(parent, Activity.Current);
        var report = await delivered.Task.WaitAsync(Timeout, TestContext.Current.CancellationToken);
        Assert.Equal(ErrorCode.NoError, report.Error.Code);
        var stored = Assert.Single(await kafka.ReadToEndAsync(topic, Timeout));
        Activity send;
        lock (spans)
        {
            send = Assert.Single(spans, s => Equals(s.GetTagItem("messaging.destination.name"), topic));
        }

        Assert.Equal(parent.TraceId, send.TraceId);
        Assert.Equal(parent.SpanId, send.ParentSpanId);
        Assert.Equal($"00-{send.TraceId}-{send.SpanId}-01", stored.Header("traceparent"));
    }

    [Fact]
    public async Task Producer_without_tracing_still_carries_the_callers_trace_context()
    {
        var topic = KafkaFixture.UniqueTopic("untraced");
        await kafka.CreateTopicAsync(topic, partitions: 1);
        var spans = new List<Activity>();
        using var host = BuildHost(spans, group: "unused", disableTracing: true);
        await host.StartAsync(TestContext.Current.CancellationToken);
        var producer = host.Services.GetRequiredService<IProducer<string, string>>();
        using var parent = new Activity("request").Start();

        await producer.ProduceAsync(topic, new Message<string, string> { Key = "k", Value = "v" }, TestContext.Current.CancellationToken);

        var stored = Assert.Single(await kafka.ReadToEndAsync(topic, Timeout));
        Assert.Equal(parent.Id, stored.Header("traceparent"));
        lock (spans)
        {
            Assert.DoesNotContain(spans, s => Equals(s.GetTagItem("messaging.destination.name"), topic));
        }
    }

    [Fact]
    public async Task A_produce_refused_for_a_full_local_queue_is_neither_a_failure_nor_an_error_span()
    {
        using var cluster = new MockKafkaCluster(brokerCount: 1);
        var topic = KafkaFixture.UniqueTopic("queue-full");
        cluster.CreateTopic(topic, partitions: 1, replicationFactor: 1);
        using var failures = new MetricCollector("cdc.kafka.produce.failures", topic);
        using var produced = new MetricCollector("cdc.kafka.messages.produced", topic);
        var spans = new List<Activity>();
        var builder = KafkaTestHost.CreateBuilder(
            cluster.BootstrapServers,
            KeyValuePair.Create<string, string?>("Aspire:Confluent:Kafka:Producer:Config:queue.buffering.max.messages", "1"),
            KeyValuePair.Create<string, string?>("Aspire:Confluent:Kafka:Producer:Config:linger.ms", "60000"));
        builder.ConfigureOpenTelemetry();
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans));
        builder.AddKafkaProducer<string, string>("kafka", s => s.DisableHealthChecks = true);
        using var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        var producer = host.Services.GetRequiredService<IProducer<string, string>>();
        var reports = new List<DeliveryReport<string, string>>();

        producer.Produce(topic, new Message<string, string> { Key = "k", Value = "queued" }, r => { lock (reports) { reports.Add(r); } });
        var refused = Assert.Throws<ProduceException<string, string>>(
            () => producer.Produce(topic, new Message<string, string> { Key = "k", Value = "refused" }, r => { lock (reports) { reports.Add(r); } }));
        var refusedAsync = await Assert.ThrowsAsync<ProduceException<string, string>>(
            () => producer.ProduceAsync(topic, new Message<string, string> { Key = "k", Value = "refused" }, TestContext.Current.CancellationToken));
        Assert.Equal(0, producer.Flush(Timeout));
        await host.StopAsync(TestContext.Current.CancellationToken);

        Assert.Equal(ErrorCode.Local_QueueFull, refused.Error.Code);
        Assert.Equal(ErrorCode.Local_QueueFull, refusedAsync.Error.Code);
        Assert.Equal(ErrorCode.NoError, Assert.Single(reports).Error.Code);
        Assert.Empty(failures.Measurements);
        Assert.Equal(1, produced.Sum);
        lock (spans)
        {
            var span = Assert.Single(spans, s => Equals(s.GetTagItem("messaging.destination.name"), topic));
            Assert.NotEqual(ActivityStatusCode.Error, span.Status);
        }
    }

    private IHost BuildHost(List<Activity> spans, string group, bool disableTracing = false)
    {
        var builder = KafkaTestHost.CreateBuilder(kafka.BootstrapServers);
        // The service defaults' OpenTelemetry setup, exporting into memory.
        builder.ConfigureOpenTelemetry();
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans));
        builder.AddKafkaProducer<string, string>("kafka", settings => settings.DisableTracing = disableTracing);
        builder.AddKafkaConsumer<string, byte[]>("kafka", settings =>
        {
            settings.Config.GroupId = group;
            settings.Config.AutoOffsetReset = AutoOffsetReset.Earliest;
            settings.Config.SessionTimeoutMs = kafka.SessionTimeoutMs;
        });
        return builder.Build();
    }
}
