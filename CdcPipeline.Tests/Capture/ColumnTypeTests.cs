using System.Text.Json;
using CdcPipeline.Tests.Infrastructure.Kafka;
using CdcPipeline.Tests.Infrastructure.Postgres;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CdcPipeline.Tests.Capture;

/// <summary>
/// The column types beyond those of the pipeline's tables, and column defaults, map as Debezium 3.6.1 maps them
/// (spec §2, §1.3; expected values written by hand from those rules) — in the snapshot and in the stream alike —
/// and a type the capture does not map stops it with an error naming the column and the type.
/// </summary>
public sealed class ColumnTypeTests(KafkaFixture kafka, PostgresFixture postgres) : IClassFixture<KafkaFixture>
{
    private const string KindsTable = """
        CREATE TABLE kinds (
            id       bigint PRIMARY KEY,
            small    smallint,
            bytes    bytea,
            doc      jsonb,
            doc2     json,
            at       timestamp,
            at3      timestamp(3),
            fixed    char(3),
            ts0      timestamptz(0),
            ts3      timestamptz(3),
            amount   numeric(20, 4),
            negative numeric(5, 2),
            status   text DEFAULT 'new',
            counter  integer NOT NULL DEFAULT 0,
            created  timestamptz DEFAULT now(),
            ref      uuid NOT NULL DEFAULT gen_random_uuid()
        );
        ALTER TABLE kinds REPLICA IDENTITY FULL;
        ALTER PUBLICATION cdc_pub ADD TABLE kinds;
        """;

    private static string Insert(long id) => $$"""
        INSERT INTO kinds (id, small, bytes, doc, doc2, at, at3, fixed, ts0, ts3, amount, negative, status, counter, created, ref) VALUES
        ({{id}}, -32768, '\x000102ff22', '{"b": [true, null], "a": 1}', '{"x" : "\n"}', '2024-03-01 10:20:00.123456', '1960-01-01 00:00:00.5',
         'ab', '2024-03-01 10:20:00+00', '2024-03-01 10:20:00.123+00', 1234567890123456.7890, -1.29, NULL, 7, NULL,
         'c56a4180-65aa-42ec-a945-5fd21dec0538')
        """;

    private static readonly string[] s_expectedFields =
    [
        """{"type":"int64","optional":false,"field":"id"}""",
        """{"type":"int16","optional":true,"field":"small"}""",
        """{"type":"bytes","optional":true,"field":"bytes"}""",
        """{"type":"string","optional":true,"name":"io.debezium.data.Json","version":1,"field":"doc"}""",
        """{"type":"string","optional":true,"name":"io.debezium.data.Json","version":1,"field":"doc2"}""",
        """{"type":"int64","optional":true,"name":"io.debezium.time.MicroTimestamp","version":1,"field":"at"}""",
        """{"type":"int64","optional":true,"name":"io.debezium.time.Timestamp","version":1,"field":"at3"}""",
        """{"type":"string","optional":true,"field":"fixed"}""",
        """{"type":"string","optional":true,"name":"io.debezium.time.ZonedTimestamp","version":1,"field":"ts0"}""",
        """{"type":"string","optional":true,"name":"io.debezium.time.ZonedTimestamp","version":1,"field":"ts3"}""",
        """{"type":"bytes","optional":true,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"4","connect.decimal.precision":"20"},"field":"amount"}""",
        """{"type":"bytes","optional":true,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2","connect.decimal.precision":"5"},"field":"negative"}""",
        """{"type":"string","optional":true,"default":"new","field":"status"}""",
        """{"type":"int32","optional":false,"default":0,"field":"counter"}""",
        """{"type":"string","optional":true,"name":"io.debezium.time.ZonedTimestamp","version":1,"default":"1970-01-01T00:00:00.000000Z","field":"created"}""",
        """{"type":"string","optional":false,"name":"io.debezium.data.Uuid","version":1,"default":"00000000-0000-0000-0000-000000000000","field":"ref"}""",
    ];

    /// <summary>
    /// NULLs of columns with a default are written as the default (JsonConverter's replace.null.with.default); a
    /// 20-digit decimal needs more than 64 bits; -1.29 is two bytes of two's complement; timestamp(3) is milliseconds
    /// (floored before 1970), timestamptz(0) has no fraction digits, timestamptz(3) exactly three.
    /// </summary>
    private static string ExpectedAfter(long id) =>
        $$$"""{"id":{{{id}}},"small":-32768,"bytes":"AAEC/yI=","doc":"{\"a\": 1, \"b\": [true, null]}","doc2":"{\"x\" : \"\\n\"}","at":1709288400123456,"at3":-315619199500,"fixed":"ab ","ts0":"2024-03-01T10:20:00Z","ts3":"2024-03-01T10:20:00.123Z","amount":"AKtUqYzrHwrS","negative":"/38=","status":"new","counter":7,"created":"1970-01-01T00:00:00.000000Z","ref":"c56a4180-65aa-42ec-a945-5fd21dec0538"}""";

    [Fact]
    public async Task Other_types_and_defaults_map_as_Debezium_maps_them_in_snapshot_and_stream()
    {
        await using var setup = await CaptureTestSetup.CreateAsync(postgres, kafka.Client);
        await setup.ExecuteAsync(KindsTable);
        await setup.ExecuteAsync(Insert(1));
        var topic = $"{setup.TopicPrefix}.public.kinds";
        await using (await CaptureHost.StartAsync(setup, new Dictionary<string, string?> { ["Capture:Tables"] = "public.kinds" }))
        {
            Assert.Single(await kafka.ConsumeAllAsync(topic, 1, CaptureWait.Deadline));
            await setup.ExecuteAsync(Insert(2));
            Assert.Equal(2, (await kafka.ConsumeAllAsync(topic, 2, CaptureWait.Deadline)).Count);
        }

        var records = (await kafka.ReadToEndAsync(topic, TimeSpan.FromSeconds(30)))
            .Select(r => JsonDocument.Parse(r.Value!).RootElement)
            .OrderBy(r => r.GetProperty("payload").GetProperty("after").GetProperty("id").GetInt64())
            .ToList();
        Assert.Equal(["r", "c"], records.Select(r => r.GetProperty("payload").GetProperty("op").GetString()));
        foreach (var (record, id) in records.Zip([1L, 2L]))
        {
            var after = record.GetProperty("schema").GetProperty("fields")[1];
            Assert.Equal(s_expectedFields, after.GetProperty("fields").EnumerateArray().Select(f => f.GetRawText()));
            Assert.Equal(ExpectedAfter(id), record.GetProperty("payload").GetProperty("after").GetRawText());
        }
    }

    [Fact]
    public async Task A_column_type_the_capture_does_not_map_stops_it_naming_the_column_and_the_type()
    {
        await using var setup = await CaptureTestSetup.CreateAsync(postgres, kafka.Client);
        await setup.ExecuteAsync("""
            CREATE TABLE gauges (id integer PRIMARY KEY, ratio double precision);
            ALTER PUBLICATION cdc_pub ADD TABLE gauges;
            INSERT INTO gauges VALUES (1, 0.5);
            """);
        var app = CaptureHost.Build(setup, new Dictionary<string, string?> { ["Capture:Tables"] = "public.gauges" });
        try
        {
            await app.StartAsync(TestContext.Current.CancellationToken);
            var health = app.Services.GetRequiredService<HealthCheckService>();
            HealthReport? report = null;
            await CaptureWait.UntilAsync(async () =>
            {
                report = await health.CheckHealthAsync(r => r.Name == "capture");
                return report.Status == HealthStatus.Unhealthy && report.Entries["capture"].Description!.Contains("stopped", StringComparison.Ordinal);
            }, "the capture to stop on the unsupported column");
            var reason = report!.Entries["capture"].Description!;
            Assert.Contains("public.gauges.ratio", reason, StringComparison.Ordinal);
            Assert.Contains("double precision", reason, StringComparison.Ordinal);
            // The service stops itself, with exit code 1 (reset here: the test process shares it).
            await app.WaitForShutdownAsync(TestContext.Current.CancellationToken);
            Assert.Equal(1, Environment.ExitCode);
        }
        finally
        {
            Environment.ExitCode = 0;
            await app.DisposeAsync();
        }
    }
}
