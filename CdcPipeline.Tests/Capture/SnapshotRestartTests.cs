using CdcPipeline.Tests.Infrastructure;
using CdcPipeline.AppHost.Local.Kafka;
using System.Text.Json;
using CdcPipeline.Tests.Infrastructure.Kafka;
using CdcPipeline.Tests.Infrastructure.Postgres;

namespace CdcPipeline.Tests.Capture;

/// <summary>
/// A capture killed in the middle of its snapshot did not record the snapshot as complete: the next start drops the
/// slot and snapshots again from a new one, so the stream that follows still meets the snapshot exactly.
/// </summary>
public sealed class SnapshotRestartTests(PostgresFixture postgres)
{
    private const int Rows = 60_000;

    [Fact]
    public async Task Killed_mid_snapshot_the_next_start_snapshots_again_from_a_new_slot()
    {
        using var mock = new MockKafkaCluster(brokerCount: 3);
        using var kafka = new KafkaTestClient(mock);
        await using var setup = await CaptureTestSetup.CreateAsync(postgres, kafka);
        mock.CreateTopic(setup.UsersTopic, 48, 3);
        await setup.ExecuteAsync($"""
            INSERT INTO users (id, name, dob) SELECT gen_random_uuid(), 'seed-' || i, '1990-01-01' FROM generate_series(1, {Rows}) i
            """);
        var environment = setup.EnvironmentVariables(new Dictionary<string, string?> { ["Capture:SchemasEnable"] = "false" });

        using (var first = ServiceProcess.Capture(environment))
        {
            await CaptureWait.UntilAsync(async () => (await kafka.ReadToEndAsync(setup.UsersTopic, TimeSpan.FromSeconds(30))).Count > 100, "the first snapshot to be under way");
            first.Kill();
        }

        var partial = (await kafka.ReadToEndAsync(setup.UsersTopic, TimeSpan.FromSeconds(30))).Count;
        Assert.True(partial < Rows, $"The first process finished its snapshot ({partial} records) before it was killed.");

        using var second = ServiceProcess.Capture(environment);
        await CaptureWait.UntilAsync(async () => await setup.ConfirmedFlushLsnAsync() is > 0 && second.Output.Contains("Streaming slot", StringComparison.Ordinal), "the second process to stream");
        var id = Guid.NewGuid();
        await setup.ExecuteAsync($"INSERT INTO users (id, name, dob) VALUES ('{id}', 'after the restart', '1990-01-01')");
        var end = await setup.ScalarAsync<NpgsqlTypes.NpgsqlLogSequenceNumber>("SELECT pg_current_wal_insert_lsn()");
        await CaptureWait.UntilAsync(async () => await setup.ConfirmedFlushLsnAsync() >= (ulong)end, "the insert to be confirmed");
        second.Kill();

        Assert.Contains("snapshot never completed", second.Output, StringComparison.Ordinal);
        var changes = (await kafka.ReadToEndAsync(setup.UsersTopic, TimeSpan.FromSeconds(60)))
            .Select(r => JsonDocument.Parse(r.Value!).RootElement)
            .Select(v => (Op: v.GetProperty("op").GetString(), Id: v.GetProperty("after").GetProperty("id").GetGuid(), Lsn: v.GetProperty("source").GetProperty("lsn").GetInt64()))
            .ToList();
        var snapshots = changes.Where(c => c.Op == "r").GroupBy(c => c.Lsn).OrderBy(g => g.Key).ToList();
        Assert.Equal(2, snapshots.Count);
        Assert.True(snapshots[0].Count() < Rows);
        Assert.Equal(Rows, snapshots[1].Select(c => c.Id).Distinct().Count());
        Assert.Equal(Rows, snapshots[1].Count());
        var created = Assert.Single(changes, c => c.Op == "c");
        Assert.Equal(id, created.Id);
        Assert.True(created.Lsn > snapshots[1].Key);
    }
}
