using System.Text.Json.Serialization;

namespace CdcPipeline.Events;

/// <summary>An order's state; on the wire exactly <c>PLACED</c>, <c>SHIPPED</c> or <c>CANCELLED</c>.</summary>
[JsonConverter(typeof(OrderStatusConverter))]
public enum OrderStatus
{
    Placed,
    Shipped,
    Cancelled,
}
