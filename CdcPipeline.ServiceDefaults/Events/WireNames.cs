namespace CdcPipeline.Events;

/// <summary>The names the original pipeline's JSON gives event types and order statuses.</summary>
public static class WireNames
{
    public static string Of(EventType type) => type switch
    {
        EventType.Create => "CREATE",
        EventType.Update => "UPDATE",
        EventType.Delete => "DELETE",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not an event type of the wire format"),
    };

    public static string Of(OrderStatus status) => status switch
    {
        OrderStatus.Placed => "PLACED",
        OrderStatus.Shipped => "SHIPPED",
        OrderStatus.Cancelled => "CANCELLED",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "not an order status of the wire format"),
    };
}
