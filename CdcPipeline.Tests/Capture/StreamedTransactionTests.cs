using System.Text.Json;
using CdcPipeline.AppHost.Capture;
using CdcPipeline.AppHost.Local.Kafka;
using CdcPipeline.Tests.Infrastructure;
using CdcPipeline.Tests.Infrastructure.Kafka;
using CdcPipeline.Tests.Infrastructure.Postgres;
using Npgsql;

namespace CdcPipeline.Tests.Capture;

/// <summary>
/// Transactions PostgreSQL streams while in progress (logical_decoding_work_mem exceeded; pgoutput protocol 2) are
/// published at their commit as Debezium publishes them — rolled-back subtransactions and rolled-back transactions
/// leave nothing — and a 100 MB transaction passes through the capture process without its memory growing with it.
/// </summary>
public sealed class StreamedTransactionTests(PostgresFixture postgres)
{
    private const string RowsSql = """
        INSERT INTO users (id, name, dob, created_at, modified_at, trace_parent)
        SELECT gen_random_uuid(), '{0}' || i, '1990-01-01', now(), now(), repeat(md5(i::text), {1})
          FROM generate_series(1, {2}) i
        """;

    [Fact]
    public async Task A_streamed_transaction_publishes_its_surviving_changes_at_commit_and_an_aborted_one_nothing()
    {
        using var mock = new MockKafkaCluster(brokerCount: 3);
        using var kafka = new KafkaTestClient(mock);
        await using var setup = await CaptureTestSetup.CreateAsync(postgres, kafka);
        await setup.CreateChangeTopicsAsync(12);
        await setup.ExecuteAsync($"ALTER DATABASE \"{setup.Database}\" SET logical_decoding_work_mem = '64kB'");
        await using var host = await CaptureHost.StartAsync(setup, new Dictionary<string, string?> { ["Capture:SchemasEnable"] = "false" });
        await CaptureWait.UntilAsync(async () => await setup.ConfirmedFlushLsnAsync() is > 0, "the slot");

        await setup.ExecuteAsync("BEGIN; " + Rows("rolled-back-", 4, 3000) + "; ROLLBACK;");
        await setup.ExecuteAsync($"""
            BEGIN;
            {Rows("kept-", 4, 2000)};
            SAVEPOINT doomed;
            {Rows("doomed-", 4, 2000)};
            UPDATE users SET name = 'doomed update' WHERE name = 'kept-1';
            ROLLBACK TO SAVEPOINT doomed;
            SAVEPOINT kept;
            UPDATE users SET name = 'updated-' || substr(name, 6) WHERE name IN ('kept-1', 'kept-2');
            RELEASE SAVEPOINT kept;
            DELETE FROM users WHERE name = 'kept-3';
            COMMIT;
            """);

        var records = await kafka.ConsumeAllAsync(setup.UsersTopic, 2000 + 2 + 2, CaptureWait.Deadline);
        var end = await setup.ScalarAsync<NpgsqlTypes.NpgsqlLogSequenceNumber>("SELECT pg_current_wal_insert_lsn()");
        await CaptureWait.UntilAsync(async () => await setup.ConfirmedFlushLsnAsync() >= (ulong)end, "the capture to confirm the transaction");
        records = await kafka.ReadToEndAsync(setup.UsersTopic, TimeSpan.FromSeconds(30));

        Assert.True(await StreamedTransactionsAsync(setup) >= 2, "PostgreSQL did not stream the transactions: the test would prove nothing.");
        var changes = records.Where(r => r.Value is not null).Select(r => JsonDocument.Parse(r.Value!).RootElement).ToList();
        Assert.Equal(2000 + 2 + 1, changes.Count);
        Assert.Single(records, r => r.Value is null);
        var names = changes.Select(c => (Op: c.GetProperty("op").GetString(), Name: (c.GetProperty("op").GetString() == "d" ? c.GetProperty("before") : c.GetProperty("after")).GetProperty("name").GetString()!)).ToList();
        Assert.DoesNotContain(names, n => n.Name.StartsWith("doomed", StringComparison.Ordinal) || n.Name.StartsWith("rolled-back", StringComparison.Ordinal));
        Assert.Equal(2000, names.Count(n => n.Op == "c"));
        Assert.Equal(["updated-1", "updated-2"], names.Where(n => n.Op == "u").Select(n => n.Name).Order());
        Assert.Equal(("d", "kept-3"), Assert.Single(names, n => n.Op == "d"));
        // One transaction: one txId and commit time; one sequence[0]; LSNs in WAL order within each user.
        Assert.Single(changes.Select(c => c.GetProperty("source")).Select(s => (s.GetProperty("txId").GetInt64(), s.GetProperty("ts_us").GetInt64())).Distinct());
        Assert.Single(changes.Select(c => JsonSerializer.Deserialize<string?[]>(c.GetProperty("source").GetProperty("sequence").GetString()!)![0]).Distinct());
        var updated = changes.Single(c => c.GetProperty("op").GetString() == "u" && c.GetProperty("after").GetProperty("name").GetString() == "updated-1");
        Assert.Equal("kept-1", updated.GetProperty("before").GetProperty("name").GetString());
    }

    /// <summary>
    /// The transaction (300 MB) is made three times the capture process's fixed footprint (the .NET runtime, its mapped
    /// assemblies and librdkafka are ~100 MB resident before anything is captured), so "far smaller" can be measured
    /// on the process as a whole: peak RSS (VmHWM) against the transaction's row data. The GC's gen0 budget is pinned
    /// as the AppHost pins it (<see cref="CaptureBuilderExtensions.Gen0Size"/>): by default it follows the CPU's
    /// last-level cache, and on a machine with a 105 MiB L3 that fixed allowance alone took the peak past the bound.
    /// </summary>
    [Fact]
    public async Task A_large_streamed_transaction_is_published_once_while_the_capture_process_stays_far_smaller()
    {
        const int rows = 540_000;
        using var mock = new MockKafkaCluster(brokerCount: 3);
        using var kafka = new KafkaTestClient(mock);
        await using var setup = await CaptureTestSetup.CreateAsync(postgres, kafka);
        mock.CreateTopic(setup.UsersTopic, 96, 3);
        await setup.ExecuteAsync($"ALTER DATABASE \"{setup.Database}\" SET logical_decoding_work_mem = '64kB'");
        using var capture = ServiceProcess.Capture(setup.EnvironmentVariables(new Dictionary<string, string?>
        {
            ["Capture:SchemasEnable"] = "false",
            [CaptureBuilderExtensions.Gen0SizeVariable] = CaptureBuilderExtensions.Gen0Size,
        }));
        await CaptureWait.UntilAsync(async () => await setup.ConfirmedFlushLsnAsync() is > 0, "the slot");
        var idle = capture.ResidentBytes();

        // Read while the capture writes: the mock's retention would drop the oldest records of a topic this large.
        var counting = CountAsync(kafka, setup.UsersTopic, rows);
        await setup.ExecuteAsync(Rows("big-", 15, rows));
        var size = await setup.ScalarAsync<long>("SELECT sum(pg_column_size(u.*))::int8 FROM users u");
        var end = await setup.ScalarAsync<NpgsqlTypes.NpgsqlLogSequenceNumber>("SELECT pg_current_wal_insert_lsn()");
        await CaptureWait.UntilAsync(async () => await setup.ConfirmedFlushLsnAsync() >= (ulong)end, "the capture to confirm the transaction", TimeSpan.FromMinutes(5));
        var peak = capture.PeakResidentBytes();
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"Transaction: {rows} rows, {size / 1e6:F1} MB of row data; capture process: {idle / 1e6:F1} MB resident when idle, peak {peak / 1e6:F1} MB.");

        Assert.True(await StreamedTransactionsAsync(setup) >= 1, "PostgreSQL did not stream the transaction: the test would prove nothing.");
        Assert.True(size > 300_000_000, $"The transaction holds only {size} bytes of rows.");
        Assert.True(peak < size * 0.6, $"The capture process peaked at {peak} bytes resident for a transaction of {size} bytes.");
        var (records, keys) = await counting;
        Assert.Equal(rows, records);
        Assert.Equal(rows, keys);
    }

    /// <summary>Records and distinct keys of a topic, read from its beginning as they arrive (not kept), until <paramref name="expected"/> or a deadline.</summary>
    private static Task<(long Records, int Keys)> CountAsync(KafkaTestClient kafka, string topic, int expected) => Task.Run(() =>
    {
        using var consumer = new Confluent.Kafka.ConsumerBuilder<byte[]?, byte[]?>(kafka.ConsumerConfig($"count-{Guid.NewGuid():N}")).Build();
        using var admin = new Confluent.Kafka.AdminClientBuilder(new Confluent.Kafka.AdminClientConfig { BootstrapServers = kafka.BootstrapServers }).Build();
        var partitions = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics[0].Partitions
            .Select(p => new Confluent.Kafka.TopicPartitionOffset(topic, p.PartitionId, Confluent.Kafka.Offset.Beginning)).ToList();
        consumer.Assign(partitions);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        long records = 0;
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(5);
        while (records < expected && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { Message: { } message })
            {
                records++;
                keys.Add(Convert.ToBase64String(message.Key!));
            }
        }

        // Anything beyond the expected count would be a duplicate: read what else arrives for a moment.
        var settle = DateTime.UtcNow + TimeSpan.FromSeconds(3);
        while (DateTime.UtcNow < settle)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { Message: { } message })
            {
                records++;
                keys.Add(Convert.ToBase64String(message.Key!));
            }
        }

        consumer.Close();
        return (records, keys.Count);
    });

    private static string Rows(string prefix, int md5Repeats, int count) =>
        string.Format(System.Globalization.CultureInfo.InvariantCulture, RowsSql, prefix, md5Repeats, count);

    /// <summary>Transactions PostgreSQL streamed through the test's slot (pg_stat_replication_slots, PostgreSQL 14+).</summary>
    private static async Task<long> StreamedTransactionsAsync(CaptureTestSetup setup)
    {
        await using var connection = new NpgsqlConnection(setup.AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT stream_txns FROM pg_stat_replication_slots WHERE slot_name = $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = setup.SlotName });
        return await command.ExecuteScalarAsync() is long count ? count : 0;
    }
}
