using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using CdcPipeline.ServiceDefaults.Cassandra;
using Microsoft.Extensions.DependencyInjection;

namespace CdcPipeline.Tests.Cql;

public class CqlTracingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Each_statement_and_batch_gets_a_client_span_with_database_attributes()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == CassandraTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        var durations = new ConcurrentQueue<(double Seconds, Dictionary<string, object?> Tags)>();
        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == CassandraTelemetry.MeterName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        meters.SetMeasurementEventCallback<double>((_, value, tags, _) =>
            durations.Enqueue((value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value))));
        meters.Start();
        const string keyspace = "tracing_ks";
        using var metrics = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var telemetry = new CassandraTelemetry(metrics.GetRequiredService<IMeterFactory>());
        await using var cql = await CqlServerWithSession.StartAsync(keyspace, telemetry: telemetry);
        await cql.Session.ExecuteAsync("CREATE TABLE traced (id int PRIMARY KEY, v text)");
        var insert = await cql.Session.PrepareAsync("INSERT INTO traced (id, v) VALUES (?, ?)", Ct);

        await cql.Session.ExecuteAsync(insert, 1, "a");
        await cql.Session.BatchAsync(new CqlBatch().Add(insert, 2, "b").Add(insert, 3, "c"), Ct);
        await Assert.ThrowsAsync<CqlInvalidQueryException>(() => cql.Session.ExecuteAsync("SELECT * FROM traced_missing"));

        var mine = spans.Where(s => (s.GetTagItem("db.query.text") as string)?.Contains("traced", StringComparison.Ordinal) == true).ToList();
        var execute = mine.Single(s => s.DisplayName == "INSERT tracing_ks" && s.GetTagItem("db.operation.batch.size") is null && s.OperationName != "PREPARE");
        Assert.Equal(ActivityKind.Client, execute.Kind);
        Assert.Equal("cassandra", execute.GetTagItem("db.system"));
        Assert.Equal(keyspace, execute.GetTagItem("db.namespace"));
        Assert.Equal("INSERT INTO traced (id, v) VALUES (?, ?)", execute.GetTagItem("db.query.text"));
        Assert.Equal("127.0.0.1", execute.GetTagItem("server.address"));
        var batch = mine.Single(s => s.DisplayName == "BATCH tracing_ks");
        Assert.Equal(2, batch.GetTagItem("db.operation.batch.size"));
        var failed = mine.Single(s => s.Status == ActivityStatusCode.Error);
        Assert.Equal("0x2200", failed.GetTagItem("db.response.status_code"));
        Assert.Equal("Cassandra error 0x2200 (Invalid): unconfigured table traced_missing", failed.StatusDescription);
        var measured = durations.Where(d => Equals(d.Tags.GetValueOrDefault("db.namespace"), keyspace)).ToList();
        Assert.Contains(measured, d => Equals(d.Tags["db.operation.name"], "BATCH") && d.Seconds >= 0 && !d.Tags.ContainsKey("error.type"));
        Assert.Contains(measured, d => Equals(d.Tags["db.operation.name"], "SELECT") && Equals(d.Tags["error.type"], "0x2200"));
    }
}
