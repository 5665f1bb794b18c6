using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using CdcPipeline.Tests.Infrastructure;
using CdcPipeline.Tests.Infrastructure.Kafka;
using CdcPipeline.Tests.Kafka;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace CdcPipeline.Tests.CassandraSink;

/// <summary>The sink continues the trace of the event that wrote the row: from the change's header, else from its trace_parent column.</summary>
public sealed class SinkTracingTests(KafkaFixture kafka) : IClassFixture<KafkaFixture>
{
    [Fact]
    public async Task A_change_without_header_continues_the_trace_in_its_rows_trace_parent_down_to_the_cql_statements()
    {
        var written = TraceParent.Random();
        var user = new UserState(Guid.NewGuid(), "Edsger", new DateOnly(1930, 5, 11), null, null, false);
        var spans = new ExportedSpans();
        await using var sink = await SinkHarness.CreateAsync(kafka);
        await StartTracedAsync(sink, spans);

        await sink.ProduceAsync([new("users", user.Id, ChangeEventBuilder.User('c', null, user, 1_000, traceParent: written.Value))]);

        await sink.AssertEventuallyAsync(CassandraState.Expected([user], []));
        var (process, apply) = await ProcessAndApplyAsync(spans, sink.UsersTopic, written.TraceId);
        Assert.Equal(written.SpanId, process.ParentSpanId);
        Assert.Equal(ActivityKind.Consumer, process.Kind);
        Assert.Equal(process.SpanId, apply.ParentSpanId);
        var statements = spans.Snapshot().Where(span => span.TraceId == written.TraceId && span.Source.Name == "CdcPipeline.Cassandra").ToList();
        Assert.NotEmpty(statements);
        Assert.All(statements, statement => Assert.Equal(apply.SpanId, statement.ParentSpanId));
    }

    [Fact]
    public async Task A_change_with_a_traceparent_header_continues_the_headers_trace()
    {
        var sent = TraceParent.Random();
        var written = TraceParent.Random();
        var user = new UserState(Guid.NewGuid(), "Tony", new DateOnly(1934, 1, 11), null, null, false);
        var spans = new ExportedSpans();
        await using var sink = await SinkHarness.CreateAsync(kafka);
        await StartTracedAsync(sink, spans);

        await kafka.ProduceRawAsync(
            sink.UsersTopic, Encoding.UTF8.GetBytes(user.Id.ToString()), ChangeEventBuilder.User('c', null, user, 1_100, traceParent: written.Value),
            [new(sent.Header.Key, Encoding.ASCII.GetBytes(sent.Value))]);

        await sink.AssertEventuallyAsync(CassandraState.Expected([user], []));
        var (process, apply) = await ProcessAndApplyAsync(spans, sink.UsersTopic, sent.TraceId);
        Assert.Equal(sent.SpanId, process.ParentSpanId);
        Assert.Equal(process.SpanId, apply.ParentSpanId);
        Assert.DoesNotContain(spans.Snapshot(), span => span.TraceId == written.TraceId);
    }

    [Fact]
    public async Task A_delete_continues_the_trace_in_its_before_image()
    {
        var deletedIn = TraceParent.Random();
        var user = new UserState(Guid.NewGuid(), "Niklaus", new DateOnly(1934, 2, 15), null, null, false);
        var spans = new ExportedSpans();
        await using var sink = await SinkHarness.CreateAsync(kafka);
        await StartTracedAsync(sink, spans);
        await sink.ProduceAsync([new("users", user.Id, ChangeEventBuilder.User('c', null, user, 1_200))]);
        await sink.AssertEventuallyAsync(CassandraState.Expected([user], []));

        await sink.ProduceAsync([new("users", user.Id, ChangeEventBuilder.User('d', user, null, 1_210, traceParent: deletedIn.Value))]);

        await sink.AssertEventuallyAsync(CassandraState.Expected([], []));
        var (process, apply) = await ProcessAndApplyAsync(spans, sink.UsersTopic, deletedIn.TraceId);
        Assert.Equal(deletedIn.SpanId, process.ParentSpanId);
        Assert.Equal(process.SpanId, apply.ParentSpanId);
    }

    [Fact]
    public async Task A_malformed_trace_parent_is_ignored_and_the_change_applied()
    {
        var garbled = new UserState(Guid.NewGuid(), "Garbled", new DateOnly(1940, 1, 1), null, null, false);
        var numeric = new UserState(Guid.NewGuid(), "Numeric", new DateOnly(1941, 1, 1), null, null, false);
        var spans = new ExportedSpans();
        await using var sink = await SinkHarness.CreateAsync(kafka);
        using var deadLettered = new MetricCollector("cdc.kafka.messages.dead_lettered", sink.UsersTopic);
        await StartTracedAsync(sink, spans);

        await sink.ProduceAsync(
        [
            new("users", garbled.Id, ChangeEventBuilder.User('c', null, garbled, 1_300, traceParent: "00-not-a-trace-01")),
            new("users", numeric.Id, ChangeEventBuilder.User('c', null, numeric, 1_310, traceParent: JsonValue.Create(42))),
        ]);

        await sink.AssertEventuallyAsync(CassandraState.Expected([garbled, numeric], []));
        Activity[] processed = [];
        await SinkHarness.WaitUntilAsync(
            () => (processed = ProcessSpans(spans, sink.UsersTopic)).Length == 2, "both changes' process spans");
        Assert.All(processed, process =>
        {
            Assert.Equal(default, process.ParentSpanId);
            Assert.NotEqual(ActivityStatusCode.Error, process.Status);
        });
        Assert.Equal(0, deadLettered.Sum);
    }

    [Fact]
    public async Task A_batch_span_is_a_child_of_its_first_changes_process_span_and_links_the_others()
    {
        var users = Enumerable.Range(0, 5)
            .Select(i => (Row: new UserState(Guid.NewGuid(), $"Batched {i}", new DateOnly(1950 + i, 1, 1), null, null, false), Trace: TraceParent.Random()))
            .ToList();
        var spans = new ExportedSpans();
        await using var sink = await SinkHarness.CreateAsync(kafka);
        // One partition, all waiting before the sink starts: they arrive together, in offset order.
        foreach (var (user, index) in users.Select((user, index) => (user, index)))
        {
            await kafka.ProduceRawAsync(
                sink.UsersTopic, Encoding.UTF8.GetBytes(user.Row.Id.ToString()),
                ChangeEventBuilder.User('c', null, user.Row, 1_400 + index, traceParent: user.Trace.Value), partition: 0);
        }

        await StartTracedAsync(sink, spans);

        await sink.AssertEventuallyAsync(CassandraState.Expected(users.Select(user => user.Row), []));
        Activity[] processed = [];
        await SinkHarness.WaitUntilAsync(() => (processed = ProcessSpans(spans, sink.UsersTopic)).Length == users.Count, "every change's process span");
        foreach (var (user, process) in users.Zip(processed.OrderBy(Offset)))
        {
            Assert.Equal(user.Trace.TraceId, process.TraceId);
            Assert.Equal(user.Trace.SpanId, process.ParentSpanId);
        }

        var bySpan = processed.ToDictionary(process => process.SpanId);
        Activity[] applies = [];
        await SinkHarness.WaitUntilAsync(
            () => (applies = spans.Snapshot().Where(span => span.DisplayName == "apply changes" && bySpan.ContainsKey(span.ParentSpanId)).ToArray())
                .Sum(apply => 1 + apply.Links.Count()) == users.Count,
            "the batch spans");
        var covered = new List<string>();
        foreach (var apply in applies)
        {
            var parent = bySpan[apply.ParentSpanId];
            Assert.Equal(parent.TraceId, apply.TraceId);
            Assert.All(apply.Links, link => Assert.Equal(bySpan[link.Context.SpanId].TraceId, link.Context.TraceId));
            var linked = apply.Links.Select(link => bySpan[link.Context.SpanId]).ToList();
            Assert.All(linked, process => Assert.True(Offset(parent) < Offset(process), "the parent is the batch's first message"));
            covered.Add(parent.SpanId.ToHexString());
            covered.AddRange(linked.Select(process => process.SpanId.ToHexString()));
        }

        Assert.Equal(processed.Select(process => process.SpanId.ToHexString()).Order(), covered.Order());
    }

    private static Task StartTracedAsync(SinkHarness sink, ExportedSpans spans) =>
        sink.StartSinkAsync(configureServices: services =>
            services.AddOpenTelemetry().WithTracing(tracing => tracing.AddSource("CdcPipeline.*").AddInMemoryExporter(spans)));

    private static Activity[] ProcessSpans(ExportedSpans spans, string topic) =>
        spans.Snapshot().Where(span => span.DisplayName == $"process {topic}").ToArray();

    private static long Offset(Activity process) => (long)process.GetTagItem("messaging.kafka.offset")!;

    /// <summary>The process span of the change in <paramref name="trace"/> and the batch span under it.</summary>
    private static async Task<(Activity Process, Activity Apply)> ProcessAndApplyAsync(ExportedSpans spans, string topic, ActivityTraceId trace)
    {
        Activity[] inTrace = [];
        await SinkHarness.WaitUntilAsync(
            () =>
            {
                inTrace = spans.Snapshot().Where(span => span.TraceId == trace).ToArray();
                return inTrace.Any(span => span.DisplayName == $"process {topic}") && inTrace.Any(span => span.DisplayName == "apply changes");
            },
            $"the process and batch spans in trace {trace}");
        return (Assert.Single(inTrace, span => span.DisplayName == $"process {topic}"), Assert.Single(inTrace, span => span.DisplayName == "apply changes"));
    }
}
