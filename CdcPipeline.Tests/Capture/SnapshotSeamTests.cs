using CdcPipeline.AppHost.Local.Kafka;
using System.Text.Json;
using CdcPipeline.Tests.Infrastructure.Kafka;
using CdcPipeline.Tests.Infrastructure.Postgres;
using Npgsql;

namespace CdcPipeline.Tests.Capture;

/// <summary>
/// The snapshot and the stream meet exactly at the slot's consistent point: with writers committing while the
/// capture snapshots and starts streaming, every committed change is published exactly once (a user's records are its
/// snapshot state, then every later change, in order) and the last record of each user equals PostgreSQL's row.
/// </summary>
public sealed class SnapshotSeamTests(PostgresFixture postgres)
{
    private const int Writers = 3;

    [Fact]
    public async Task Changes_committed_while_the_capture_snapshots_and_starts_streaming_are_published_exactly_once()
    {
        using var mock = new MockKafkaCluster(brokerCount: 3);
        using var kafka = new KafkaTestClient(mock);
        await using var setup = await CaptureTestSetup.CreateAsync(postgres, kafka);
        await setup.CreateChangeTopicsAsync(12);
        var writers = Enumerable.Range(0, Writers).Select(w => new UserWriter(setup.DatabaseConnectionString, w, seed: 7 + w)).ToArray();
        foreach (var writer in writers)
        {
            await writer.SeedAsync(1000);
        }

        using var stop = new CancellationTokenSource();
        var writing = writers.Select(w => Task.Run(() => w.RunAsync(stop.Token))).ToArray();
        await CaptureWait.UntilAsync(() => Task.FromResult(writers.Sum(w => w.Changes) > 3000 + 300), "the writers to be under way");

        await using (var host = await CaptureHost.StartAsync(setup, new Dictionary<string, string?> { ["Capture:SchemasEnable"] = "false" }))
        {
            // Keep writing until changes after the snapshot are being streamed.
            await CaptureWait.UntilAsync(async () =>
                (await kafka.ReadToEndAsync(setup.UsersTopic, TimeSpan.FromSeconds(30))).Any(r => r.ValueString?.Contains("\"op\":\"u\"", StringComparison.Ordinal) == true),
                "streamed updates");
            var streamedAt = writers.Sum(w => w.Changes);
            await CaptureWait.UntilAsync(() => Task.FromResult(writers.Sum(w => w.Changes) > streamedAt + 500), "more writes while streaming");
            await stop.CancelAsync();
            await Task.WhenAll(writing);

            var end = await setup.ScalarAsync<NpgsqlTypes.NpgsqlLogSequenceNumber>("SELECT pg_current_wal_insert_lsn()");
            await CaptureWait.UntilAsync(async () => await setup.ConfirmedFlushLsnAsync() >= (ulong)end, "the capture to confirm the last write");
        }

        var published = PublishedChange.PerUser(await kafka.ReadToEndAsync(setup.UsersTopic, TimeSpan.FromSeconds(60)));
        var rows = await RowsAsync(setup.DatabaseConnectionString);
        var log = writers.SelectMany(w => w.Log).ToDictionary(e => e.Key, e => e.Value);
        var snapshotReads = 0;
        foreach (var (id, committed) in log)
        {
            published.TryGetValue(id, out var changes);
            changes ??= [];
            if (changes.Count == 0)
            {
                Assert.True(committed[^1].Op == "d", $"User {id} was never published but still exists ({string.Join(", ", committed)}).");
                continue;
            }

            // The first record is the snapshot's view (op r) of one committed state, or the user's creation.
            var start = 0;
            if (changes[0].Op == "r")
            {
                snapshotReads++;
                start = committed.FindLastIndex(c => c.Version == changes[0].Version);
                Assert.True(start >= 0, $"User {id}: the snapshot read version {changes[0].Version}, which was never committed.");
            }
            else
            {
                Assert.Equal(("c", committed[0].Version), (changes[0].Op, changes[0].Version));
            }

            var expected = committed.Skip(start + 1).Select(c => (c.Op, c.Version)).ToList();
            var actual = changes.Skip(1).Select(c => (c.Op, c.Version)).ToList();
            Assert.True(expected.SequenceEqual(actual),
                $"User {id}: committed after the first published state: [{string.Join(", ", expected)}], published: [{string.Join(", ", actual)}].");

            var last = changes[^1];
            if (rows.TryGetValue(id, out var row))
            {
                Assert.Equal(row, JsonDocument.Parse(last.Value).RootElement.GetProperty("after").GetProperty("name").GetString());
            }
            else
            {
                Assert.Equal("d", last.Op);
            }
        }

        Assert.True(snapshotReads > 0, "The snapshot read no user: the capture did not start during the writes.");
        Assert.True(published.Values.Any(c => c[0].Op == "c"), "No user was created after the snapshot.");
    }

    private static async Task<Dictionary<Guid, string>> RowsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT id, name FROM users", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new Dictionary<Guid, string>();
        while (await reader.ReadAsync())
        {
            rows[reader.GetGuid(0)] = reader.GetString(1);
        }

        return rows;
    }
}
