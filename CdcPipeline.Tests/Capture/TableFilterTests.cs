using CdcPipeline.Tests.Infrastructure.Kafka;
using CdcPipeline.Tests.Infrastructure.Postgres;

namespace CdcPipeline.Tests.Capture;

/// <summary>Changes of a table that is in the publication but not in <c>Capture:Tables</c> are not published, and are counted.</summary>
public sealed class TableFilterTests(KafkaFixture kafka, PostgresFixture postgres) : IClassFixture<KafkaFixture>
{
    [Fact]
    public async Task Changes_of_a_table_outside_the_list_are_ignored_and_counted()
    {
        await using var setup = await CaptureTestSetup.CreateAsync(postgres, kafka.Client);
        await setup.ExecuteAsync("CREATE TABLE audit (id serial PRIMARY KEY, note text); ALTER PUBLICATION cdc_pub ADD TABLE audit;");
        await using var host = await CaptureHost.StartAsync(setup);
        using var metrics = new CaptureMetrics(host.Services);
        await CaptureWait.UntilAsync(async () => await setup.ConfirmedFlushLsnAsync() is > 0, "the slot");

        await setup.ExecuteAsync("INSERT INTO audit (note) VALUES ('alone')");
        await setup.ExecuteAsync("""
            BEGIN;
            INSERT INTO audit (note) VALUES ('with a user');
            INSERT INTO users (id, name, dob) VALUES ('6f1c2a8e-9b3d-4e7a-8c21-5d4f3b2a1e09', 'Alice', '1990-05-15');
            UPDATE audit SET note = 'changed';
            COMMIT;
            """);

        var users = await kafka.ConsumeAllAsync(setup.UsersTopic, 1, CaptureWait.Deadline);
        Assert.Single(users);
        await CaptureWait.UntilAsync(
            () => Task.FromResult(metrics.Sum("cdc.capture.changes.ignored", ("cdc.table", "public.audit")) >= 4),
            "the four ignored changes of public.audit to be counted");
        Assert.Empty(await kafka.ReadToEndAsync($"{setup.TopicPrefix}.public.audit", TimeSpan.FromSeconds(5)));
        // The slot moves past the transactions of the ignored table too.
        var end = await setup.ScalarAsync<NpgsqlTypes.NpgsqlLogSequenceNumber>("SELECT pg_current_wal_insert_lsn()");
        await CaptureWait.UntilAsync(async () => await setup.ConfirmedFlushLsnAsync() > (ulong)end, "the slot to pass the last transaction", TimeSpan.FromSeconds(60));
    }
}
