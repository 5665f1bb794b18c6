using CdcPipeline.Benchmarks.Baselines;
using CdcPipeline.Benchmarks.Measurement;
using CdcPipeline.Benchmarks.Report;
using CdcPipeline.Benchmarks.Services;
using Npgsql;

namespace CdcPipeline.Benchmarks.Stages;

/// <summary>
/// 3. The WAL the Consumer wrote, read twice: by the raw pgoutput decoder, and by the capture (started after the
/// Consumer finished, on a slot created before it began, so both read exactly the same backlog). The capture is timed
/// from its first record acknowledged by Kafka to its last (high watermarks of the change topics).
/// </summary>
internal static class CaptureStage
{
    private const double AbsoluteTarget = 50_000;
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    /// <summary>Slots for the capture and both baselines, created before anything is written so they see the same WAL.</summary>
    public static async Task CreateSlotsAsync(string database, Workload workload, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(cancellationToken);
        foreach (var slot in new[] { workload.CaptureSlot, workload.RawSlot, workload.RowsSlot })
        {
            await using var command = new NpgsqlCommand("SELECT pg_create_logical_replication_slot($1, 'pgoutput')", connection)
            {
                Parameters = { new() { Value = slot } },
            };
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <returns>Every change's new row (the sink baseline's input), or null when <paramref name="rowsNeeded"/> is false.</returns>
    public static async Task<IReadOnlyList<ChangeRow>?> RunAsync(StageContext context, Workload workload, string database, bool rowsNeeded)
    {
        var cancellationToken = context.CancellationToken;
        await ExecuteAsync(database, $"SELECT pg_logical_emit_message(false, '{RawPgOutputDecode.EndMarker}', '')", cancellationToken);
        await context.CreateTopicsAsync(workload.ChangeTopics);

        await context.Peers.CreateTopicAsync(ServiceEnvironments.HeartbeatTopic(workload.CapturePrefix), 1);

        context.Log("capture: raw pgoutput decode");
        var (raw, deletes) = await RawPgOutputDecode.CountAsync(database, workload.RawSlot, cancellationToken);
        var rows = rowsNeeded ? await RawPgOutputDecode.RowsAsync(database, workload.RowsSlot, cancellationToken) : null;

        context.Log($"capture: publishing {raw.Count:N0} changes into {workload.ChangePartitions} partitions per table");
        Throughput capture;
        var records = raw.Count + deletes;
        await using (var process = ServiceProcess.Start("capture", "CdcPipeline.Capture.dll",
            ServiceEnvironments.Capture(context.Peers.Bootstrap, database, workload.CapturePrefix, workload.CaptureSlot, snapshot: false)))
        {
            var published = await ProgressClock.MeasureAsync(
                () => context.Probe.Written(workload.ChangeTopics), records, Poll, StageContext.StageTimeout, process.EnsureRunning, cancellationToken);
            capture = new Throughput(published.Count * raw.Count / records, published.Elapsed);
            await process.DisposeAsync();
            context.AddUsage("capture", workload.Events, process.Usage, raw.Count);
        }

        foreach (var slot in new[] { workload.CaptureSlot, workload.RawSlot, workload.RowsSlot })
        {
            await ExecuteAsync(database, $"SELECT pg_drop_replication_slot('{slot}')", cancellationToken);
        }

        context.Report.Comparisons.Add(new Comparison("Capture", workload.Events, "Capture, WAL -> Kafka acknowledged", capture.PerSecond,
            "raw pgoutput decode of the same WAL (Npgsql)", raw.PerSecond, 0.5, "changes/s"));
        context.Report.Comparisons.Add(new Comparison("Capture", workload.Events, "Capture, WAL -> Kafka acknowledged", capture.PerSecond,
            "absolute target (not a measurement)", AbsoluteTarget, 1, "changes/s"));
        context.Log($"capture: {capture.PerSecond:N0}/s, raw decode {raw.PerSecond:N0}/s");
        return rows;
    }

    private static async Task ExecuteAsync(string database, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
