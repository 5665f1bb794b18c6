using System.Text.Json;
using CdcPipeline.Tests.Infrastructure.Kafka;
using CdcPipeline.Tests.Infrastructure.Postgres;

namespace CdcPipeline.Tests.Capture;

/// <summary>
/// A column added while the capture streams (pgoutput sends a new Relation message) appears at the end of the Value
/// struct from the next change on, with its nullability and default from the catalog, as Debezium refreshes it.
/// </summary>
public sealed class SchemaChangeTests(KafkaFixture kafka, PostgresFixture postgres) : IClassFixture<KafkaFixture>
{
    private const string Alice = "6f1c2a8e-9b3d-4e7a-8c21-5d4f3b2a1e09";
    private const string Bob = "7f1c2a8e-9b3d-4e7a-8c21-5d4f3b2a1e09";

    [Fact]
    public async Task A_column_added_mid_stream_is_a_new_field_at_the_end_from_the_next_change_on()
    {
        await using var setup = await CaptureTestSetup.CreateAsync(postgres, kafka.Client);
        await using var host = await CaptureHost.StartAsync(setup);
        await CaptureWait.UntilAsync(async () => await setup.ConfirmedFlushLsnAsync() is > 0, "the slot");

        await setup.ExecuteAsync($"INSERT INTO users (id, name, dob) VALUES ('{Alice}', 'Alice', '1990-05-15')");
        await setup.ExecuteAsync("ALTER TABLE users ADD COLUMN nickname text, ADD COLUMN score integer NOT NULL DEFAULT 5");
        await setup.ExecuteAsync($"UPDATE users SET name = 'Alice B' WHERE id = '{Alice}'");
        await setup.ExecuteAsync($"INSERT INTO users (id, name, dob, nickname, score) VALUES ('{Bob}', 'Bob', '1991-05-15', 'bobby', 9)");

        var records = (await kafka.ConsumeAllAsync(setup.UsersTopic, 3, CaptureWait.Deadline))
            .Select(r => JsonDocument.Parse(r.Value!).RootElement)
            .OrderBy(r => r.GetProperty("payload").GetProperty("source").GetProperty("lsn").GetInt64())
            .ToList();
        Assert.Equal(3, records.Count);

        var before = Fields(records[0]);
        Assert.Equal("trace_parent", before[^1].GetProperty("field").GetString());
        Assert.False(records[0].GetProperty("payload").GetProperty("after").TryGetProperty("nickname", out _));

        foreach (var record in records.Skip(1))
        {
            var fields = Fields(record);
            Assert.Equal(before.Length + 2, fields.Length);
            Assert.Equal("""{"type":"string","optional":true,"field":"nickname"}""", fields[^2].GetRawText());
            Assert.Equal("""{"type":"int32","optional":false,"default":5,"field":"score"}""", fields[^1].GetRawText());
        }

        // The update's old row predates the column: PostgreSQL fills in the column's default.
        var update = records[1].GetProperty("payload");
        Assert.Equal("u", update.GetProperty("op").GetString());
        Assert.EndsWith(""","trace_parent":null,"nickname":null,"score":5}""", update.GetProperty("before").GetRawText(), StringComparison.Ordinal);
        Assert.EndsWith(""","trace_parent":null,"nickname":null,"score":5}""", update.GetProperty("after").GetRawText(), StringComparison.Ordinal);
        Assert.EndsWith(""","trace_parent":null,"nickname":"bobby","score":9}""", records[2].GetProperty("payload").GetProperty("after").GetRawText(), StringComparison.Ordinal);
    }

    private static JsonElement[] Fields(JsonElement record) =>
        record.GetProperty("schema").GetProperty("fields")[1].GetProperty("fields").EnumerateArray().ToArray();
}
