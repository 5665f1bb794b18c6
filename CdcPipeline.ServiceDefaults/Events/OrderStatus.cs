using System.Text.Json.Serialization;

namespace CdcPipeline.Events;

[JsonConverter(typeof(JsonStringEnumConverter<OrderStatus>))]
public enum OrderStatus
{
    [JsonStringEnumMemberName("PLACED")]
    Placed,

    [JsonStringEnumMemberName("SHIPPED")]
    Shipped,

    [JsonStringEnumMemberName("CANCELLED")]
    Cancelled,
}
