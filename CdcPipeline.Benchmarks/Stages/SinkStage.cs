using System.Diagnostics;
using CdcPipeline.Benchmarks.Baselines;
using CdcPipeline.Benchmarks.Measurement;
using CdcPipeline.Benchmarks.Report;
using CdcPipeline.Benchmarks.Services;
using CdcPipeline.ServiceDefaults.Cassandra;

namespace CdcPipeline.Benchmarks.Stages;

/// <summary>
/// 4. The sink applies the capture's change records to Cassandra, timed from its first committed offset to the last
/// (offsets are stored only after Cassandra acknowledged the writes). Baseline: the CQL client writing the same
/// changes' rows as prepared unlogged batches into another keyspace of the same server.
/// </summary>
internal static class SinkStage
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    public static async Task RunAsync(StageContext context, Workload workload, IReadOnlyList<ChangeRow> rows, string database)
    {
        var cancellationToken = context.CancellationToken;
        var records = context.Probe.Written(workload.ChangeTopics);
        context.Log($"sink: applying {records:N0} change records");
        Throughput sink;
        await using (var process = ServiceProcess.Start("cassandra-sink", "CdcPipeline.CassandraSink.dll",
            ServiceEnvironments.Sink(context.Peers.Bootstrap, context.Peers.Cassandra, workload.CapturePrefix, workload.SinkGroup, workload.SinkKeyspace)))
        {
            var applied = await ProgressClock.MeasureAsync(
                () => context.Probe.Committed(workload.SinkGroup, workload.ChangeTopics), records, Poll, StageContext.StageTimeout,
                process.EnsureRunning, cancellationToken);
            sink = new Throughput(applied.Count * rows.Count / records, applied.Elapsed);
            await process.DisposeAsync();
            context.AddUsage("cassandra-sink", workload.Events, process.Usage, rows.Count);
        }

        var settings = new CassandraClientSettings { ConnectionString = context.Peers.Cassandra, DisableTracing = true, DisableMetrics = true };
        settings.ApplyConnectionString();
        await using var session = new CqlSession(settings);
        await session.ConnectAsync(cancellationToken);
        await PreparedBatchWriter.CreateSchemaAsync(session, workload.BaselineKeyspace, cancellationToken);
        context.Log("sink: baseline prepared unlogged batches");
        var clock = Stopwatch.StartNew();
        await PreparedBatchWriter.WriteAsync(session, workload.BaselineKeyspace, rows, cancellationToken);
        var baseline = new Throughput(rows.Count, clock.Elapsed);

        await CheckRowsAsync(context, workload, session, database);
        context.CheckNoDeadLetters("CassandraSink", workload.Events, workload.ChangeTopics);
        context.Report.Comparisons.Add(new Comparison("CassandraSink", workload.Events, "CassandraSink, Kafka -> Cassandra", sink.PerSecond,
            "CQL client, same rows, prepared unlogged batches", baseline.PerSecond, 0.7, "changes/s"));
        context.Log($"sink: {sink.PerSecond:N0}/s, client {baseline.PerSecond:N0}/s");
    }

    /// <summary>The sink's tables hold as many users and orders as PostgreSQL, each with the same deleted flag.</summary>
    private static async Task CheckRowsAsync(StageContext context, Workload workload, CqlSession session, string database)
    {
        var expected = await TableContents.CountsAsync(database, context.CancellationToken);
        var actual = new List<(string, long, long)>();
        foreach (var table in new[] { "users", "orders" })
        {
            long rows = 0, deleted = 0;
            await foreach (var row in await session.QueryAsync(CqlStatement.Simple($"SELECT is_deleted FROM {workload.SinkKeyspace}.{table}")))
            {
                rows++;
                deleted += row.Get<bool>("is_deleted") ? 1 : 0;
            }

            actual.Add((table, rows, deleted));
        }

        var evicted = context.Probe.Evicted(workload.ChangeTopics);
        var detail = string.Join("; ", actual.Select(a => $"{a.Item1} {a.Item2:N0} ({a.Item3:N0} deleted)"))
            + (evicted > 0 ? $" ({evicted:N0} change records were dropped by Kafka's retention before the sink read them)" : string.Empty);
        context.Report.Checks.Add(new OutcomeCheck("CassandraSink", workload.Events, "Cassandra rows equal PostgreSQL's (counts, deleted)",
            actual.SequenceEqual(expected), $"Cassandra {detail}; PostgreSQL {string.Join("; ", expected.Select(e => $"{e.Table} {e.Rows:N0} ({e.Deleted:N0} deleted)"))}"));
    }
}
