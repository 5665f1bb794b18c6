using CdcPipeline.Tests.Infrastructure.Kafka;
using CdcPipeline.Tests.Infrastructure.Postgres;

namespace CdcPipeline.Tests.Capture;

/// <summary>On an idle database the capture publishes Debezium's heartbeat records and its slot keeps moving.</summary>
public sealed class HeartbeatTests(KafkaFixture kafka, PostgresFixture postgres) : IClassFixture<KafkaFixture>
{
    [Fact]
    public async Task Heartbeats_are_published_and_the_slot_advances_while_the_database_is_idle()
    {
        await using var setup = await CaptureTestSetup.CreateAsync(postgres, kafka.Client);
        await using var host = await CaptureHost.StartAsync(setup, new Dictionary<string, string?> { ["Capture:HeartbeatInterval"] = "00:00:01" });

        ulong? first = null;
        await CaptureWait.UntilAsync(async () => (first = await setup.ConfirmedFlushLsnAsync()) is > 0, "the slot");
        await CaptureWait.UntilAsync(async () => await setup.ConfirmedFlushLsnAsync() > first, "the slot's confirmed_flush_lsn to advance past its start");
        var moved = await setup.ConfirmedFlushLsnAsync();
        await CaptureWait.UntilAsync(async () => await setup.ConfirmedFlushLsnAsync() > moved, "the slot's confirmed_flush_lsn to advance again");

        var heartbeats = await kafka.ConsumeAllAsync(setup.HeartbeatTopic, 3, CaptureWait.Deadline);
        Assert.True(heartbeats.Count >= 3, $"{heartbeats.Count} heartbeat records.");
        Assert.All(heartbeats, heartbeat =>
        {
            Assert.Equal(0, heartbeat.Partition);
            Assert.Empty(heartbeat.Headers);
            Assert.Equal(
                $$$"""{"schema":{"type":"struct","fields":[{"type":"string","optional":false,"field":"serverName"}],"optional":false,"name":"io.debezium.connector.common.ServerNameKey","version":1},"payload":{"serverName":"{{{setup.TopicPrefix}}}"}}""",
                heartbeat.KeyString);
            Assert.Matches(
                """^\{"schema":\{"type":"struct","fields":\[\{"type":"int64","optional":false,"field":"ts_ms"\}\],"optional":false,"name":"io.debezium.connector.common.Heartbeat","version":1\},"payload":\{"ts_ms":[0-9]{13}\}\}$""",
                heartbeat.ValueString);
        });

        // The heartbeat messages themselves are excluded (message.prefix.exclude.list): nothing else was published.
        Assert.Empty(await kafka.ReadToEndAsync(setup.UsersTopic, TimeSpan.FromSeconds(10)));
        Assert.Empty(await kafka.ReadToEndAsync(setup.OrdersTopic, TimeSpan.FromSeconds(10)));
        Assert.Empty(await kafka.ReadToEndAsync($"{setup.TopicPrefix}.message", TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Without_schemas_a_heartbeat_is_its_payload()
    {
        await using var setup = await CaptureTestSetup.CreateAsync(postgres, kafka.Client);
        await using var host = await CaptureHost.StartAsync(setup, new Dictionary<string, string?>
        {
            ["Capture:HeartbeatInterval"] = "00:00:01",
            ["Capture:SchemasEnable"] = "false",
        });

        var heartbeat = (await kafka.ConsumeAllAsync(setup.HeartbeatTopic, 1, CaptureWait.Deadline))[0];

        Assert.Equal($$"""{"serverName":"{{setup.TopicPrefix}}"}""", heartbeat.KeyString);
        Assert.Matches("""^\{"ts_ms":[0-9]{13}\}$""", heartbeat.ValueString);
    }
}
