using System.Diagnostics;
using CdcPipeline.Tests.Infrastructure.Kafka;
using CdcPipeline.Tests.Infrastructure.Postgres;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace CdcPipeline.Tests.Capture;

/// <summary>
/// One trace from the event that wrote a row to the record the sink reads: the change's <c>capture {schema}.{table}</c>
/// span is a child of the row's <c>trace_parent</c>, the producer's <c>send {topic}</c> span a child of it, and the
/// record carries that trace in its <c>traceparent</c> header. Without a trace parent, the change is a child of its
/// transaction's span.
/// </summary>
public sealed class CaptureTracingTests(KafkaFixture kafka, PostgresFixture postgres) : IClassFixture<KafkaFixture>
{
    [Fact]
    public async Task A_changes_span_continues_the_trace_of_the_rows_trace_parent_into_the_record()
    {
        await using var setup = await CaptureTestSetup.CreateAsync(postgres, kafka.Client);
        var spans = new List<Activity>();
        await using var host = await CaptureHost.StartAsync(
            setup, configureServices: services => services.AddOpenTelemetry().WithTracing(tracing => tracing.AddInMemoryExporter(spans)));
        await CaptureWait.UntilAsync(async () => await setup.ConfirmedFlushLsnAsync() is > 0, "the slot");
        var trace = ActivityTraceId.CreateRandom();
        var parent = ActivitySpanId.CreateRandom();

        await setup.ExecuteAsync($"""
            BEGIN;
            INSERT INTO users (id, name, dob, trace_parent) VALUES ('{Guid.NewGuid()}', 'traced', '1990-01-01', '00-{trace}-{parent}-01');
            INSERT INTO users (id, name, dob, trace_parent) VALUES ('{Guid.NewGuid()}', 'untraced', '1990-01-01', 'not a traceparent');
            COMMIT;
            """);
        var records = await kafka.ConsumeAllAsync(setup.UsersTopic, 2, CaptureWait.Deadline);

        Activity[] snapshot = [];
        await CaptureWait.UntilAsync(() =>
        {
            lock (spans)
            {
                snapshot = [.. spans];
            }

            return Task.FromResult(snapshot.Count(s => s.OperationName == $"send {setup.UsersTopic}") >= 2);
        }, "the send spans to end");

        var change = Assert.Single(snapshot, s => s.OperationName == "capture public.users" && s.TraceId == trace);
        Assert.Equal(parent, change.ParentSpanId);
        var send = Assert.Single(snapshot, s => s.OperationName == $"send {setup.UsersTopic}" && s.TraceId == trace);
        Assert.Equal(change.SpanId, send.ParentSpanId);
        var traced = Assert.Single(records, r => r.ValueString!.Contains("\"traced\"", StringComparison.Ordinal));
        Assert.Equal(trace.ToString(), traced.Header("traceparent")!.Split('-')[1]);

        // The traced change links to its transaction's span; the untraced change of that transaction is its child.
        // (Spans of other tests' hosts in this process reach this exporter too: they are told apart by these links.)
        var link = Assert.Single(change.Links);
        var transaction = Assert.Single(snapshot, s => s.OperationName == "capture transaction" && s.SpanId == link.Context.SpanId);
        var untraced = Assert.Single(snapshot, s => s.OperationName == "capture public.users" && s.ParentSpanId == transaction.SpanId);
        Assert.Equal(transaction.TraceId, untraced.TraceId);
    }
}
