using System.Text.Json;
using CdcPipeline.Tests.Infrastructure.Kafka;
using CdcPipeline.Tests.Infrastructure.Postgres;

namespace CdcPipeline.Tests.Capture;

/// <summary>A TRUNCATE is published as Debezium does: op t, one record per captured table, null key, no tombstone.</summary>
public sealed class TruncateTests(KafkaFixture kafka, PostgresFixture postgres) : IClassFixture<KafkaFixture>
{
    [Fact]
    public async Task A_truncate_cascade_is_one_keyless_record_per_captured_table_at_one_position()
    {
        await using var setup = await CaptureTestSetup.CreateAsync(postgres, kafka.Client);
        await setup.ExecuteAsync("""
            INSERT INTO users (id, name, dob) VALUES ('6f1c2a8e-9b3d-4e7a-8c21-5d4f3b2a1e09', 'Alice', '1990-05-15');
            INSERT INTO orders (id, status, user_id, quantity, total_amount) VALUES
              ('0e9d8c7b-6a5f-4e3d-9c2b-1a0f9e8d7c6b', 'PLACED', '6f1c2a8e-9b3d-4e7a-8c21-5d4f3b2a1e09', 1, 1);
            """);
        await using var host = await CaptureHost.StartAsync(setup, new Dictionary<string, string?> { ["Capture:SchemasEnable"] = "false" });
        await kafka.ConsumeAllAsync(setup.OrdersTopic, 1, CaptureWait.Deadline);

        await setup.ExecuteAsync("TRUNCATE users CASCADE");

        var users = await kafka.ConsumeAllAsync(setup.UsersTopic, 2, CaptureWait.Deadline);
        var orders = await kafka.ConsumeAllAsync(setup.OrdersTopic, 2, CaptureWait.Deadline);
        var truncates = users.Concat(orders).Where(r => r.ValueString!.Contains("\"op\":\"t\"", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, truncates.Count);
        Assert.All(truncates, t => Assert.Null(t.Key));
        var sources = truncates.Select(t => JsonDocument.Parse(t.Value!).RootElement).ToList();
        Assert.All(sources, s =>
        {
            Assert.Equal(JsonValueKind.Null, s.GetProperty("before").ValueKind);
            Assert.Equal(JsonValueKind.Null, s.GetProperty("after").ValueKind);
        });
        Assert.Equal(["orders", "users"], sources.Select(s => s.GetProperty("source").GetProperty("table").GetString()).Order());
        Assert.Single(sources.Select(s => (s.GetProperty("source").GetProperty("lsn").GetInt64(), s.GetProperty("source").GetProperty("txId").GetInt64())).Distinct());
        Assert.Equal(4, (await kafka.ReadToEndAsync(setup.UsersTopic, TimeSpan.FromSeconds(10))).Count + (await kafka.ReadToEndAsync(setup.OrdersTopic, TimeSpan.FromSeconds(10))).Count);
    }
}
