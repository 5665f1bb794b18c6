using CdcPipeline.Tests.Infrastructure.Kafka;
using CdcPipeline.Tests.Infrastructure.Postgres;

namespace CdcPipeline.Tests.Capture;

/// <summary>A graceful stop confirms to the slot everything Kafka acknowledged: the next start publishes nothing twice.</summary>
public sealed class CaptureRestartTests(KafkaFixture kafka, PostgresFixture postgres) : IClassFixture<KafkaFixture>
{
    [Fact]
    public async Task A_graceful_stop_confirms_what_was_published_so_a_restart_publishes_nothing_again()
    {
        await using var setup = await CaptureTestSetup.CreateAsync(postgres, kafka.Client);
        var settings = new Dictionary<string, string?> { ["Capture:SchemasEnable"] = "false", ["Capture:HeartbeatInterval"] = "00:00:01" };
        await using (var first = await CaptureHost.StartAsync(setup, settings))
        {
            await CaptureWait.UntilAsync(async () => await setup.ConfirmedFlushLsnAsync() is > 0, "the slot");
            for (var i = 0; i < 50; i++)
            {
                await setup.ExecuteAsync($"INSERT INTO users (id, name, dob) VALUES ('{Guid.NewGuid()}', 'first-{i}', '1990-01-01')");
            }

            await kafka.ConsumeAllAsync(setup.UsersTopic, 50, CaptureWait.Deadline);
            await first.StopAsync();
        }

        await using (await CaptureHost.StartAsync(setup, settings))
        {
            await setup.ExecuteAsync($"INSERT INTO users (id, name, dob) VALUES ('{Guid.NewGuid()}', 'second', '1990-01-01')");
            await kafka.ConsumeAllAsync(setup.UsersTopic, 51, CaptureWait.Deadline);
            var end = await setup.ScalarAsync<NpgsqlTypes.NpgsqlLogSequenceNumber>("SELECT pg_current_wal_insert_lsn()");
            await CaptureWait.UntilAsync(async () => await setup.ConfirmedFlushLsnAsync() >= (ulong)end, "the insert to be confirmed");
        }

        var records = await kafka.ReadToEndAsync(setup.UsersTopic, TimeSpan.FromSeconds(30));
        Assert.Equal(51, records.Count);
        Assert.Equal(51, records.Select(r => r.KeyString).Distinct().Count());
    }
}
