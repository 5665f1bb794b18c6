using System.Diagnostics;
using CdcPipeline.Tests.Infrastructure;
using CdcPipeline.Tests.Infrastructure.Kafka;
using CdcPipeline.Tests.Infrastructure.Postgres;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace CdcPipeline.Tests.Consumer;

/// <summary>The <c>trace_parent</c> column: the trace of the event that last wrote the row, for change capture to carry on.</summary>
public sealed class TraceParentColumnTests(KafkaFixture kafka, PostgresFixture postgres) : IClassFixture<KafkaFixture>
{
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_user_row_records_the_process_span_of_its_last_applied_event_and_a_stale_redelivery_leaves_it()
    {
        var setup = await ConsumerTestSetup.CreateAsync(kafka, await postgres.CreateDatabaseAsync());
        var tables = new CdcTables(setup.DatabaseConnectionString);
        var spans = new ExportedSpans();
        using var metrics = new ConsumerMetricsCapture(setup.UsersTopic);
        var user = Guid.NewGuid();
        var create = GoJson.UserCreate(user, "Traced", new DateOnly(1990, 1, 1), Start);
        var createdIn = TraceParent.Random();
        var updatedIn = TraceParent.Random();
        await using var consumer = await ConsumerHost.StartAsync(
            setup, configureServices: services => services.AddOpenTelemetry().WithTracing(tracing => tracing.AddInMemoryExporter(spans)));

        await setup.Kafka.ProduceAsync(setup.UsersTopic, user.ToString(), create, [createdIn.Header]);
        var created = await ProcessSpanAsync(tables, spans, setup.UsersTopic, createdIn);
        Assert.Equal(createdIn.SpanId, created.ParentSpanId);
        Assert.Equal(created.Id, await UserTraceParentAsync(tables, user));

        await setup.Kafka.ProduceAsync(setup.UsersTopic, user.ToString(), GoJson.UserUpdate(user, "Renamed", Start.AddMinutes(1)), [updatedIn.Header]);
        var updated = await ProcessSpanAsync(tables, spans, setup.UsersTopic, updatedIn);
        await tables.WaitUntilAsync(async () => await UserTraceParentAsync(tables, user) == updated.Id, "the update's trace in the row");

        await setup.Kafka.ProduceAsync(setup.UsersTopic, user.ToString(), create, [createdIn.Header]);
        await tables.WaitUntilAsync(
            () => Task.FromResult(metrics.Sum("cdc.consumer.events.stale", setup.UsersTopic) == 1), "the redelivered create to be skipped as stale");
        Assert.Equal(updated.Id, await UserTraceParentAsync(tables, user));
        Assert.Equal("Renamed", await tables.ScalarAsync<string>("SELECT name FROM users WHERE id = $1", user));
    }

    [Fact]
    public async Task An_order_row_keeps_its_own_trace_through_its_users_cascade_and_takes_its_deletes()
    {
        var setup = await ConsumerTestSetup.CreateAsync(kafka, await postgres.CreateDatabaseAsync());
        var tables = new CdcTables(setup.DatabaseConnectionString);
        var spans = new ExportedSpans();
        var user = Guid.NewGuid();
        var order = Guid.NewGuid();
        var userCreatedIn = TraceParent.Random();
        var orderPlacedIn = TraceParent.Random();
        var userDeletedIn = TraceParent.Random();
        var orderDeletedIn = TraceParent.Random();
        await using var consumer = await ConsumerHost.StartAsync(
            setup, configureServices: services => services.AddOpenTelemetry().WithTracing(tracing => tracing.AddInMemoryExporter(spans)));

        await setup.Kafka.ProduceAsync(
            setup.UsersTopic, user.ToString(), GoJson.UserCreate(user, "Cascading", new DateOnly(1985, 6, 1), Start), [userCreatedIn.Header]);
        await setup.Kafka.ProduceAsync(
            setup.OrdersTopic, order.ToString(), GoJson.OrderCreate(order, user, 2, 19.9, Start.AddMinutes(1)), [orderPlacedIn.Header]);
        var placed = await ProcessSpanAsync(tables, spans, setup.OrdersTopic, orderPlacedIn);
        await tables.WaitUntilAsync(async () => await OrderTraceParentAsync(tables, order) == placed.Id, "the order's create trace in its row");

        await setup.Kafka.ProduceAsync(setup.UsersTopic, user.ToString(), GoJson.UserDelete(user, Start.AddMinutes(2)), [userDeletedIn.Header]);
        var userDeleted = await ProcessSpanAsync(tables, spans, setup.UsersTopic, userDeletedIn);
        await tables.WaitUntilAsync(async () => await UserTraceParentAsync(tables, user) == userDeleted.Id, "the user's delete trace in its row");
        Assert.True(await tables.ScalarAsync<bool>("SELECT is_deleted FROM orders WHERE id = $1", order));
        Assert.Equal(placed.Id, await OrderTraceParentAsync(tables, order));

        await setup.Kafka.ProduceAsync(setup.OrdersTopic, order.ToString(), GoJson.OrderDelete(order, Start.AddMinutes(3)), [orderDeletedIn.Header]);
        var orderDeleted = await ProcessSpanAsync(tables, spans, setup.OrdersTopic, orderDeletedIn);
        await tables.WaitUntilAsync(async () => await OrderTraceParentAsync(tables, order) == orderDeleted.Id, "the order's delete trace in its row");
        Assert.Equal("CANCELLED", await tables.ScalarAsync<string>("SELECT status FROM orders WHERE id = $1", order));
    }

    [Fact]
    public async Task With_tracing_off_the_row_records_the_traceparent_header_as_received()
    {
        var setup = await ConsumerTestSetup.CreateAsync(kafka, await postgres.CreateDatabaseAsync());
        var tables = new CdcTables(setup.DatabaseConnectionString);
        var withHeader = Guid.NewGuid();
        var withoutHeader = Guid.NewGuid();
        var withMalformedHeader = Guid.NewGuid();
        var producedIn = TraceParent.Random();
        // Its own process: no other test's tracer provider can start a span in it.
        using var consumer = ServiceProcess.Consumer(setup.EnvironmentVariables(new Dictionary<string, string?> { ["OTEL_SDK_DISABLED"] = "true" }));

        await setup.ProduceUserAsync(withoutHeader.ToString(), GoJson.UserCreate(withoutHeader, "Untraced", new DateOnly(1970, 1, 2), Start));
        await setup.Kafka.ProduceAsync(
            setup.UsersTopic, withMalformedHeader.ToString(), GoJson.UserCreate(withMalformedHeader, "Garbled", new DateOnly(1970, 1, 3), Start),
            [new("traceparent", "00-not-a-trace-01")]);
        await setup.Kafka.ProduceAsync(
            setup.UsersTopic, withHeader.ToString(), GoJson.UserCreate(withHeader, "Header", new DateOnly(1970, 1, 4), Start), [producedIn.Header]);

        await tables.WaitForCountsAsync(users: 3, orders: 0);
        Assert.Equal(producedIn.Value, await UserTraceParentAsync(tables, withHeader));
        Assert.Null(await UserTraceParentAsync(tables, withoutHeader));
        Assert.Null(await UserTraceParentAsync(tables, withMalformedHeader));
    }

    private static Task<string?> UserTraceParentAsync(CdcTables tables, Guid id) =>
        tables.ScalarAsync<string?>("SELECT trace_parent FROM users WHERE id = $1", id);

    private static Task<string?> OrderTraceParentAsync(CdcTables tables, Guid id) =>
        tables.ScalarAsync<string?>("SELECT trace_parent FROM orders WHERE id = $1", id);

    /// <summary>The exported <c>process {topic}</c> span that continued <paramref name="producer"/>'s trace.</summary>
    private static async Task<Activity> ProcessSpanAsync(CdcTables tables, ExportedSpans spans, string topic, TraceParent producer)
    {
        Activity? process = null;
        await tables.WaitUntilAsync(
            () =>
            {
                process = spans.Snapshot().SingleOrDefault(span => span.TraceId == producer.TraceId && span.DisplayName == $"process {topic}");
                return Task.FromResult(process is not null);
            },
            $"the process span of {topic} in trace {producer.TraceId}");
        return process!;
    }
}
