using System.Globalization;
using System.Text;
using System.Text.Json;
using CdcPipeline.AppHost.Local.Kafka;
using CdcPipeline.CassandraSink;
using CdcPipeline.CassandraSink.Decoding;
using CdcPipeline.CassandraSink.Options;
using CdcPipeline.Tests.Infrastructure.Kafka;
using CdcPipeline.Tests.Infrastructure.Postgres;

namespace CdcPipeline.Tests.Capture;

/// <summary>
/// The capture publishes, for a scripted scenario (a snapshot, then inserts, updates, the soft-delete cascade, two
/// changes of one row in one transaction, a hard delete with its tombstone, a TRUNCATE), exactly the records of the
/// golden files — which a script wrote from the spec of Debezium 3.6.1's output, not from the capture — byte for byte
/// except positions and clock values, which are checked for consistency instead; same topics, keys, headers, and
/// partitions chosen as Kafka's Java producer chooses them.
/// </summary>
public sealed class CaptureGoldenTests(PostgresFixture postgres)
{
    private const int Partitions = 6;

    private static readonly string[] s_debeziumHeaders =
    [
        "__debezium.context.connectorLogicalName", "__debezium.context.taskId", "__debezium.context.connectorName", "__debezium.context.runId",
    ];

    [Theory]
    [InlineData(true, "scenario.with-schemas.txt")]
    [InlineData(false, "scenario.without-schemas.txt")]
    public async Task Scenario_publishes_the_records_Debezium_publishes(bool schemasEnable, string goldenFile)
    {
        using var mock = new MockKafkaCluster(brokerCount: 3);
        using var kafka = new KafkaTestClient(mock);
        await using var setup = await CaptureTestSetup.CreateAsync(postgres, kafka, topicPrefix: "cdc");
        await setup.CreateChangeTopicsAsync(Partitions);
        await setup.ExecuteAsync(GoldenScenario.SnapshotRows);

        await using (await CaptureHost.StartAsync(setup, new Dictionary<string, string?> { ["Capture:SchemasEnable"] = schemasEnable ? "true" : "false" }))
        {
            Assert.Equal(5, (await kafka.ConsumeAllAsync(setup.UsersTopic, 2, TimeSpan.FromSeconds(90))).Count
                + (await kafka.ConsumeAllAsync(setup.OrdersTopic, 3, TimeSpan.FromSeconds(90))).Count);
            foreach (var transaction in GoldenScenario.Transactions)
            {
                await setup.ExecuteAsync(transaction);
            }

            await kafka.ConsumeAllAsync(setup.UsersTopic, GoldenScenario.UsersRecords, TimeSpan.FromSeconds(90));
            await kafka.ConsumeAllAsync(setup.OrdersTopic, GoldenScenario.OrdersRecords, TimeSpan.FromSeconds(90));
        }

        var actual = (await kafka.ReadToEndAsync(setup.UsersTopic, TimeSpan.FromSeconds(30)))
            .Concat(await kafka.ReadToEndAsync(setup.OrdersTopic, TimeSpan.FromSeconds(30)))
            .ToList();
        var expected = GoldenRecords.Read(goldenFile);

        AssertSameRecordsPerKey(expected, actual);
        AssertHeaders(actual);
        AssertPartitions(actual);
        AssertPositions(actual, setup.Database, schemasEnable);
        AssertTheSinkDecodesEveryRecord(actual);
    }

    /// <summary>Per topic and key (Kafka keeps one key's records in order), the same records as the golden file, in the same order.</summary>
    private static void AssertSameRecordsPerKey(IReadOnlyList<GoldenRecord> expected, List<KafkaRecord> actual)
    {
        var expectedByKey = expected.GroupBy(r => (r.Topic, r.Key)).ToDictionary(g => g.Key, g => g.ToList());
        var actualByKey = actual.GroupBy(r => (r.Topic, r.KeyString)).ToDictionary(g => g.Key, g => g.OrderBy(r => r.Offset).ToList());
        Assert.Equal(
            expectedByKey.Keys.Select(k => $"{k.Topic} {k.Key}").Order(StringComparer.Ordinal),
            actualByKey.Keys.Select(k => $"{k.Topic} {k.KeyString}").Order(StringComparer.Ordinal));
        foreach (var (key, records) in expectedByKey)
        {
            var found = actualByKey[key];
            Assert.True(records.Count == found.Count, $"{key.Topic} {key.Key}: {records.Count} records expected, {found.Count} published.");
            for (var i = 0; i < records.Count; i++)
            {
                Assert.Equal(GoldenRecords.Mask(records[i].Value), GoldenRecords.Mask(found[i].ValueString));
            }
        }
    }

    /// <summary>The four Debezium context headers first, in order; one UUIDv7 run id for the whole run.</summary>
    private static void AssertHeaders(List<KafkaRecord> actual)
    {
        var runIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var record in actual)
        {
            Assert.Equal(s_debeziumHeaders, record.Headers.Take(4).Select(h => h.Key));
            Assert.Equal("cdc", record.Header(s_debeziumHeaders[0]));
            Assert.Equal("0", record.Header(s_debeziumHeaders[1]));
            Assert.Equal("postgresql", record.Header(s_debeziumHeaders[2]));
            runIds.Add(record.Header(s_debeziumHeaders[3])!);
            // Anything after them is the trace context the instrumented producer writes.
            Assert.All(record.Headers.Skip(4), h => Assert.Contains(h.Key, new[] { "traceparent", "tracestate" }));
        }

        var runId = Assert.Single(runIds);
        Assert.Equal(7, Guid.Parse(runId).Version);
    }

    private static void AssertPartitions(List<KafkaRecord> actual)
    {
        foreach (var record in actual.Where(r => r.Key is not null))
        {
            Assert.True(
                JavaMurmur2.Partition(record.Key!, Partitions) == record.Partition,
                $"{GoldenRecords.Describe(record)} is in partition {record.Partition}; Kafka's Java partitioner puts its key in {JavaMurmur2.Partition(record.Key!, Partitions)}.");
        }
    }

    /// <summary>
    /// What the golden file masks, checked for what must hold: snapshot records share the snapshot's LSN, txId and
    /// time; a streamed transaction's records share its txId and commit time and have growing LSNs; sequence is
    /// [previous commit (between the previous transaction and this one), lsn]; ts_* agree; db is the database.
    /// </summary>
    private static void AssertPositions(List<KafkaRecord> actual, string database, bool schemasEnable)
    {
        var sources = actual
            .Where(r => r.Value is not null)
            .Select(r => JsonDocument.Parse(r.Value!).RootElement)
            .Select(root => schemasEnable ? root.GetProperty("payload") : root)
            .Select(payload => (Op: payload.GetProperty("op").GetString()!, Source: payload.GetProperty("source")))
            .Select(p => new
            {
                p.Op,
                Lsn = p.Source.GetProperty("lsn").GetInt64(),
                TxId = p.Source.GetProperty("txId").GetInt64(),
                Micros = p.Source.GetProperty("ts_us").GetInt64(),
                Millis = p.Source.GetProperty("ts_ms").GetInt64(),
                Nanos = p.Source.GetProperty("ts_ns").GetInt64(),
                Sequence = JsonSerializer.Deserialize<string?[]>(p.Source.GetProperty("sequence").GetString()!)!,
                Database = p.Source.GetProperty("db").GetString(),
            })
            .ToList();

        Assert.All(sources, s =>
        {
            Assert.Equal(database, s.Database);
            Assert.Equal(s.Micros * 1000, s.Nanos);
            Assert.Equal(Math.DivRem(s.Micros, 1000).Quotient, s.Millis);
            Assert.Equal(2, s.Sequence.Length);
            Assert.Equal(s.Lsn.ToString(CultureInfo.InvariantCulture), s.Sequence[1]);
        });

        var snapshot = sources.Where(s => s.Op == "r").ToList();
        Assert.Equal(5, snapshot.Count);
        Assert.Single(snapshot.Select(s => (s.Lsn, s.TxId, s.Micros)).Distinct());
        Assert.All(snapshot, s => Assert.Null(s.Sequence[0]));

        var transactions = sources.Where(s => s.Op != "r").GroupBy(s => s.TxId).OrderBy(g => g.Key).ToList();
        Assert.Equal(GoldenScenario.Transactions.Length, transactions.Count);
        var previousEnd = snapshot[0].Lsn;
        foreach (var transaction in transactions)
        {
            var changes = transaction.OrderBy(s => s.Lsn).ToList();
            Assert.Single(changes.Select(c => (c.Micros, c.Sequence[0])).Distinct());
            Assert.True(changes[0].Lsn > previousEnd, $"Transaction {transaction.Key} starts at {changes[0].Lsn}, not after {previousEnd}.");
            if (changes[0].Sequence[0] is { } lastCommit)
            {
                var commit = long.Parse(lastCommit, CultureInfo.InvariantCulture);
                Assert.True(commit > previousEnd && commit <= changes[0].Lsn,
                    $"sequence[0] of transaction {transaction.Key} is {commit}: not between the previous transaction ({previousEnd}) and its first change ({changes[0].Lsn}).");
            }

            previousEnd = changes[^1].Lsn;
        }
    }

    /// <summary>The consumer side agrees: the CassandraSink's decoder reads every change (and every tombstone) as such.</summary>
    private static void AssertTheSinkDecodesEveryRecord(List<KafkaRecord> actual)
    {
        var decoder = new DebeziumDecoder(Microsoft.Extensions.Options.Options.Create(new SinkOptions()));
        foreach (var record in actual)
        {
            var outcome = decoder.Decode(record.Value ?? [], record.Value is null);
            if (record.Value is null)
            {
                Assert.IsType<DecodeOutcome.Tombstone>(outcome);
            }
            else if (!Encoding.UTF8.GetString(record.Value).Contains("\"op\":\"t\"", StringComparison.Ordinal))
            {
                Assert.True(outcome is DecodeOutcome.Change, $"{GoldenRecords.Describe(record)}: the sink decodes it as {outcome}.");
            }
        }
    }
}
