using CdcPipeline.Tests.Infrastructure;
using CdcPipeline.AppHost.Local.Kafka;
using System.Text.RegularExpressions;
using CdcPipeline.Tests.Infrastructure.Kafka;
using CdcPipeline.Tests.Infrastructure.Postgres;

namespace CdcPipeline.Tests.Capture;

/// <summary>
/// The capture process SIGKILLed at random moments while it streams and restarted from its slot: no committed change
/// is lost, and every change published again is identical to its first copy except the envelope's ts_* and the run
/// id header.
/// </summary>
public sealed partial class CaptureCrashTests(PostgresFixture postgres)
{
    private const int Kills = 4;

    [Fact]
    public async Task Killed_mid_stream_and_restarted_loses_nothing_and_republishes_identical_records()
    {
        var seed = Environment.TickCount;
        TestContext.Current.TestOutputHelper?.WriteLine($"Crash test seed: {seed}");
        var random = new Random(seed);
        using var mock = new MockKafkaCluster(brokerCount: 3);
        using var kafka = new KafkaTestClient(mock);
        await using var setup = await CaptureTestSetup.CreateAsync(postgres, kafka);
        await setup.CreateChangeTopicsAsync(12);
        var writers = Enumerable.Range(0, 2).Select(w => new UserWriter(setup.DatabaseConnectionString, w, seed + w, TimeSpan.FromMilliseconds(4))).ToArray();
        foreach (var writer in writers)
        {
            await writer.SeedAsync(300);
        }

        var environment = setup.EnvironmentVariables(new Dictionary<string, string?>
        {
            ["Capture:SchemasEnable"] = "false",
            ["Capture:HeartbeatInterval"] = "00:00:01",
        });
        using var stop = new CancellationTokenSource();
        var writing = writers.Select(w => Task.Run(() => w.RunAsync(stop.Token))).ToArray();
        var outputs = new List<string>();
        for (var kill = 0; kill < Kills; kill++)
        {
            using var capture = ServiceProcess.Capture(environment);
            var before = await CountAsync(kafka, setup);
            await CaptureWait.UntilAsync(async () => await CountAsync(kafka, setup) > before + 50, $"capture process {kill + 1} to publish");
            await Task.Delay(TimeSpan.FromMilliseconds(random.Next(200, 3000)), TestContext.Current.CancellationToken);
            capture.Kill();
            outputs.Add(capture.Output);
        }

        await stop.CancelAsync();
        await Task.WhenAll(writing);
        var end = await setup.ScalarAsync<NpgsqlTypes.NpgsqlLogSequenceNumber>("SELECT pg_current_wal_insert_lsn()");
        using (var last = ServiceProcess.Capture(environment))
        {
            await CaptureWait.UntilAsync(async () => await setup.ConfirmedFlushLsnAsync() >= (ulong)end, "the last capture process to catch up");
            last.Kill();
        }

        var records = await kafka.ReadToEndAsync(setup.UsersTopic, TimeSpan.FromSeconds(60));
        var duplicates = AssertDuplicatesAreIdentical(records);
        TestContext.Current.TestOutputHelper?.WriteLine($"{records.Count} records, {duplicates} published again after a kill; seed {seed}.");
        AssertNothingLost(records, writers);
    }

    private static async Task<int> CountAsync(KafkaTestClient kafka, CaptureTestSetup setup) =>
        (await kafka.ReadToEndAsync(setup.UsersTopic, TimeSpan.FromSeconds(30))).Count;

    /// <summary>Records of the same change (user, LSN and op — a snapshot read and a streamed change may share an LSN —, or the user's tombstone) are identical but for the envelope's ts_* and the run id.</summary>
    private static int AssertDuplicatesAreIdentical(IReadOnlyList<KafkaRecord> records)
    {
        var duplicates = 0;
        foreach (var copies in records.GroupBy(r => (r.KeyString, Change: r.Value is null ? "tombstone" : $"{Lsn().Match(r.ValueString!).Value} {Operation().Match(r.ValueString!).Value}")))
        {
            var first = copies.First();
            foreach (var copy in copies.Skip(1))
            {
                duplicates++;
                Assert.Equal(first.Partition, copy.Partition);
                Assert.Equal(first.Key, copy.Key);
                Assert.Equal(WithoutEnvelopeTime(first.ValueString), WithoutEnvelopeTime(copy.ValueString));
                Assert.Equal(
                    first.Headers.Where(h => h.Key is not "__debezium.context.runId" and not "traceparent" and not "tracestate").Select(h => (h.Key, Convert.ToHexString(h.Value))),
                    copy.Headers.Where(h => h.Key is not "__debezium.context.runId" and not "traceparent" and not "tracestate").Select(h => (h.Key, Convert.ToHexString(h.Value))));
            }
        }

        return duplicates;
    }

    /// <summary>Each user's first published state, then every later committed change, in order, once (duplicates removed).</summary>
    private static void AssertNothingLost(IReadOnlyList<KafkaRecord> records, UserWriter[] writers)
    {
        var published = PublishedChange.PerUser(records);
        foreach (var (id, committed) in writers.SelectMany(w => w.Log))
        {
            var changes = published.TryGetValue(id, out var found)
                ? found.DistinctBy(c => (c.Lsn, c.Op)).ToList()
                : [];
            Assert.True(changes.Count > 0 || committed[^1].Op == "d", $"User {id} was never published.");
            if (changes.Count == 0)
            {
                continue;
            }

            var start = changes[0].Op == "r" ? committed.FindLastIndex(c => c.Version == changes[0].Version) : 0;
            Assert.True(start >= 0, $"User {id}: the snapshot read a version that was never committed.");
            var expected = committed.Skip(start + 1).Select(c => (c.Op, c.Version)).Prepend((changes[0].Op == "r" ? "r" : "c", committed[start].Version)).ToList();
            var actual = changes.Select(c => (c.Op, c.Version)).ToList();
            Assert.True(expected.SequenceEqual(actual),
                $"User {id}: committed [{string.Join(", ", expected)}], published [{string.Join(", ", actual)}].");
        }
    }

    private static string? WithoutEnvelopeTime(string? value) => value is null ? null : EnvelopeTime().Replace(value, "\"ts_ms\":0,\"ts_us\":0,\"ts_ns\":0}");

    [GeneratedRegex("\"ts_ms\":[0-9]+,\"ts_us\":[0-9]+,\"ts_ns\":[0-9]+\\}$")]
    private static partial Regex EnvelopeTime();

    [GeneratedRegex("\"lsn\":[0-9]+")]
    private static partial Regex Lsn();

    [GeneratedRegex("\"op\":\"[a-z]\"")]
    private static partial Regex Operation();
}
