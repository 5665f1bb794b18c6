using System.Text.Json;
using CdcPipeline.Events;

namespace CdcPipeline.Tests.Events;

public sealed class TimestampContractTests
{
    private const string UserId = "5f0c8a4e-2b7d-4c1a-9e3f-8a6b2d4c1e90";

    [Fact]
    public void Go_nanosecond_timestamp_with_offset_is_read_truncated_to_100_nanoseconds()
    {
        var user = Read($$"""{"event_type":"CREATE","user_id":"{{UserId}}","created_at":"2024-03-01T10:15:30.123456789+05:30"}""");

        Assert.Equal(new DateTimeOffset(2024, 3, 1, 10, 15, 30, TimeSpan.FromMinutes(330)).AddTicks(1_234_567), user.CreatedAt);
        Assert.Equal(TimeSpan.FromMinutes(330), user.CreatedAt!.Value.Offset);
    }

    [Theory]
    [InlineData("2024-03-01T10:15:30Z", 0)]
    [InlineData("2024-03-01T10:15:30.5Z", 5_000_000)]
    [InlineData("2024-03-01T10:15:30.000000001-08:00", 0)]
    public void Timestamps_Go_accepts_are_read(string value, long fractionTicks)
    {
        var user = Read($$"""{"event_type":"UPDATE","user_id":"{{UserId}}","modified_at":"{{value}}"}""");

        Assert.Equal(fractionTicks, user.ModifiedAt!.Value.Ticks % TimeSpan.TicksPerSecond);
        Assert.Equal(30, user.ModifiedAt.Value.Second);
    }

    [Theory]
    [InlineData("\"2024-03-01 10:15:30Z\"", "2024-03-01 10:15:30Z")]
    [InlineData("\"2024-03-01t10:15:30Z\"", "2024-03-01t10:15:30Z")]
    [InlineData("\"2024-03-01T10:15Z\"", "2024-03-01T10:15Z")]
    [InlineData("\"2024-03-01T10:15:30\"", "2024-03-01T10:15:30")]
    [InlineData("\"2024-03-01T10:15:30z\"", "2024-03-01T10:15:30z")]
    [InlineData("\"2024-03-01T10:15:30+0530\"", "2024-03-01T10:15:30+0530")]
    [InlineData("\"2024-03-01T10:15:30.Z\"", "2024-03-01T10:15:30.Z")]
    [InlineData("\"2024-03-01T10:15:30.1234567891Z\"", "2024-03-01T10:15:30.1234567891Z")]
    [InlineData("\"2024-02-30T10:15:30Z\"", "2024-02-30T10:15:30Z")]
    [InlineData("\"03/01/2024 10:15:30 +00:00\"", "03/01/2024 10:15:30 +00:00")]
    [InlineData("1709288130", "Number")]
    public void Timestamp_Go_would_refuse_fails_naming_the_field_and_the_value(string json, string named)
    {
        var error = Assert.Throws<JsonException>(
            () => Read($$"""{"event_type":"CREATE","user_id":"{{UserId}}","created_at":{{json}}}"""));

        Assert.Contains("$.created_at", error.Message, StringComparison.Ordinal);
        Assert.Equal("$.created_at", error.Path);
        Assert.Contains(named, error.InnerException!.Message, StringComparison.Ordinal);
    }

    private static UserEvent Read(string json) => JsonSerializer.Deserialize(json, EventJsonContext.Default.UserEvent)!;
}
