using System.Text.Json.Serialization;

namespace CdcPipeline.Events;

/// <summary>An order event on topic <c>orders</c>, keyed by <see cref="OrderId"/>; the original Go pipeline's JSON.</summary>
public sealed record OrderEvent
{
    [JsonPropertyName("event_type")]
    public required EventType EventType { get; init; }

    [JsonPropertyName("order_id")]
    public required Guid OrderId { get; init; }

    [JsonPropertyName("order_status")]
    public required OrderStatus Status { get; init; }

    [JsonPropertyName("user_id")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Guid? UserId { get; init; }

    [JsonPropertyName("quantity")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Quantity { get; init; }

    [JsonPropertyName("order_total")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public decimal? OrderTotal { get; init; }

    [JsonPropertyName("placed_at")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [JsonConverter(typeof(Rfc3339TimestampConverter))]
    public DateTimeOffset? PlacedAt { get; init; }

    [JsonPropertyName("modified_at")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [JsonConverter(typeof(Rfc3339TimestampConverter))]
    public DateTimeOffset? ModifiedAt { get; init; }
}
