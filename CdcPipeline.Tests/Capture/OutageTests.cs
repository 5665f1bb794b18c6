using CdcPipeline.AppHost.Local.Kafka;
using CdcPipeline.Tests.Infrastructure.Kafka;
using CdcPipeline.Tests.Infrastructure.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CdcPipeline.Tests.Capture;

/// <summary>PostgreSQL or Kafka gone mid-stream: the capture reports unhealthy with the reason, waits, and resumes, losing nothing.</summary>
public sealed class OutageTests(KafkaFixture kafka, PostgresFixture postgres) : IClassFixture<KafkaFixture>
{
    [Fact]
    public async Task PostgreSQL_restarted_mid_stream_is_reported_then_streaming_resumes_without_loss()
    {
        await using var cluster = await PostgresFixture.StartPrivateClusterAsync();
        Assert.SkipWhen(cluster is null, "No local PostgreSQL binaries: this test needs a server it may stop and start.");
        await using var setup = await CaptureTestSetup.CreateAsync(cluster, kafka.Client);
        await using var host = await CaptureHost.StartAsync(setup, new Dictionary<string, string?> { ["Capture:SchemasEnable"] = "false" });
        var health = host.Services.GetRequiredService<HealthCheckService>();
        await CaptureWait.UntilAsync(async () => (await CheckAsync(health)).Status == HealthStatus.Healthy, "the capture to be healthy");
        await InsertUsersAsync(setup, "before", 20);
        await kafka.ConsumeAllAsync(setup.UsersTopic, 20, CaptureWait.Deadline);

        await cluster.StopAsync();
        await CaptureWait.UntilAsync(async () =>
        {
            var entry = await CheckAsync(health);
            return entry.Status == HealthStatus.Unhealthy && entry.Description!.Contains("PostgreSQL", StringComparison.Ordinal);
        }, "the capture to report PostgreSQL unavailable");
        await cluster.StartAsync();
        await InsertUsersAsync(setup, "after", 20);

        // Changes not confirmed before the outage may be published again: count users, not records.
        Dictionary<Guid, List<PublishedChange>> published = [];
        await CaptureWait.UntilAsync(async () =>
            (published = PublishedChange.PerUser(await kafka.ReadToEndAsync(setup.UsersTopic, TimeSpan.FromSeconds(30)))).Count == 40,
            "all 40 users");
        await CaptureWait.UntilAsync(async () => (await CheckAsync(health)).Status == HealthStatus.Healthy, "the capture to be healthy again");
        Assert.All(published.Values, changes => Assert.Equal("c", Assert.Single(changes.DistinctBy(c => (c.Lsn, c.Op))).Op));
    }

    [Fact]
    public async Task Kafka_down_mid_stream_is_reported_and_what_was_written_meanwhile_arrives_after()
    {
        using var mock = new MockKafkaCluster(brokerCount: 3);
        using var client = new KafkaTestClient(mock);
        await using var setup = await CaptureTestSetup.CreateAsync(postgres, client);
        await setup.CreateChangeTopicsAsync();
        await using var host = await CaptureHost.StartAsync(setup, new Dictionary<string, string?>
        {
            ["Capture:SchemasEnable"] = "false",
            ["Capture:MaxHealthyLag"] = "00:00:02",
            ["Capture:HeartbeatInterval"] = "00:00:01",
        });
        var health = host.Services.GetRequiredService<HealthCheckService>();
        await InsertUsersAsync(setup, "before", 10);
        await client.ConsumeAllAsync(setup.UsersTopic, 10, CaptureWait.Deadline);
        var confirmed = await setup.ConfirmedFlushLsnAsync();

        mock.SetAllBrokersDown();
        await InsertUsersAsync(setup, "during", 10);
        await CaptureWait.UntilAsync(async () =>
        {
            var entry = await CheckAsync(health);
            return entry.Status == HealthStatus.Unhealthy && entry.Description!.Contains("Kafka", StringComparison.Ordinal);
        }, "the capture to report Kafka's silence");
        // Nothing Kafka did not acknowledge is confirmed to the slot.
        var during = await setup.ScalarAsync<NpgsqlTypes.NpgsqlLogSequenceNumber>("SELECT pg_current_wal_insert_lsn()");
        Assert.True(await setup.ConfirmedFlushLsnAsync() < (ulong)during);
        mock.SetAllBrokersUp();

        await CaptureWait.UntilAsync(async () =>
            PublishedChange.PerUser(await client.ReadToEndAsync(setup.UsersTopic, TimeSpan.FromSeconds(30))).Count == 20,
            "all 20 users");
        await CaptureWait.UntilAsync(async () => (await CheckAsync(health)).Status == HealthStatus.Healthy, "the capture to be healthy again");
        await CaptureWait.UntilAsync(async () => await setup.ConfirmedFlushLsnAsync() > confirmed, "the slot to move again");
    }

    private static async Task<HealthReportEntry> CheckAsync(HealthCheckService health) =>
        (await health.CheckHealthAsync(r => r.Name == "capture")).Entries["capture"];

    private static async Task InsertUsersAsync(CaptureTestSetup setup, string prefix, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await setup.ExecuteAsync($"INSERT INTO users (id, name, dob) VALUES ('{Guid.NewGuid()}', '{prefix}-{i}', '1990-01-01')");
        }
    }
}
