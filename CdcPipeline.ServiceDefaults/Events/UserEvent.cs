using System.Text.Json.Serialization;

namespace CdcPipeline.Events;

/// <summary>A user event on topic <c>users</c>, keyed by <see cref="UserId"/>; the original Go pipeline's JSON.</summary>
public sealed record UserEvent
{
    [JsonPropertyName("event_type")]
    public required EventType EventType { get; init; }

    [JsonPropertyName("user_id")]
    public required Guid UserId { get; init; }

    [JsonPropertyName("name")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Name { get; init; }

    [JsonPropertyName("dob")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateOnly? DateOfBirth { get; init; }

    [JsonPropertyName("created_at")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [JsonConverter(typeof(Rfc3339TimestampConverter))]
    public DateTimeOffset? CreatedAt { get; init; }

    [JsonPropertyName("modified_at")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [JsonConverter(typeof(Rfc3339TimestampConverter))]
    public DateTimeOffset? ModifiedAt { get; init; }
}
