using CdcPipeline.Tests.Infrastructure.Kafka;

namespace CdcPipeline.Tests.Capture;

/// <summary>A wrong setting stops the capture's start with a message that names it.</summary>
public sealed class CaptureOptionsTests(KafkaFixture kafka) : IClassFixture<KafkaFixture>
{
    [Theory]
    [InlineData("Capture:SlotName", "Bad-Slot")]
    [InlineData("Capture:Tables", "")]
    [InlineData("Capture:Tables", "public.users,public.")]
    [InlineData("Capture:Tables", "public.users,public.users")]
    [InlineData("Capture:TopicPrefix", "a b")]
    [InlineData("Capture:OffsetsTopic", "")]
    [InlineData("Capture:HeartbeatInterval", "-00:00:01")]
    [InlineData("Capture:TopicCreation:Partitions", "0")]
    [InlineData("Capture:TopicCreation:MinInSyncReplicas", "4")]
    [InlineData("Capture:MaxInFlightBytes", "10")]
    [InlineData("Capture:RetryMaxDelay", "00:00:00")]
    [InlineData("Capture:SnapshotMode", "Always")]
    [InlineData("Capture:SpoolDirectory", "relative/dir")]
    public async Task A_wrong_setting_stops_the_start_with_a_message_naming_it(string setting, string value)
    {
        await using var app = CaptureHost.Build(CaptureTestSetup.WithoutDatabase(kafka.Client), new Dictionary<string, string?> { [setting] = value });

        var error = await Assert.ThrowsAnyAsync<Exception>(() => app.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains(setting, error.Message, StringComparison.Ordinal);
    }
}
