using System.Text.Json;
using CdcPipeline.Events;

namespace CdcPipeline.Tests.Events;

public sealed class EnumContractTests
{
    private const string OrderId = "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9";

    [Theory]
    [InlineData("CREATE", EventType.Create, "PLACED", OrderStatus.Placed)]
    [InlineData("UPDATE", EventType.Update, "SHIPPED", OrderStatus.Shipped)]
    [InlineData("DELETE", EventType.Delete, "CANCELLED", OrderStatus.Cancelled)]
    public void Exact_wire_names_are_read_and_written(string type, EventType eventType, string status, OrderStatus orderStatus)
    {
        var json = $$"""{"event_type":"{{type}}","order_id":"{{OrderId}}","order_status":"{{status}}"}""";

        var order = JsonSerializer.Deserialize(json, EventJsonContext.Default.OrderEvent)!;

        Assert.Equal(eventType, order.EventType);
        Assert.Equal(orderStatus, order.Status);
        Assert.Equal(json, JsonSerializer.Serialize(order, EventJsonContext.Default.OrderEvent));
    }

    [Theory]
    [InlineData("\"create\"", "'create'")]
    [InlineData("\"Create\"", "'Create'")]
    [InlineData("0", "Number")]
    [InlineData("\"0\"", "'0'")]
    [InlineData("\"INSERT\"", "'INSERT'")]
    [InlineData("\"CREATE \"", "'CREATE '")]
    public void Event_type_other_than_its_exact_names_fails_naming_field_and_value(string value, string named)
    {
        var json = $$"""{"event_type":{{value}},"order_id":"{{OrderId}}","order_status":"PLACED"}""";

        var error = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize(json, EventJsonContext.Default.OrderEvent));

        Assert.Contains("$.event_type", error.Message, StringComparison.Ordinal);
        Assert.Contains(named, error.InnerException!.Message, StringComparison.Ordinal);
        Assert.Contains("CREATE, UPDATE, DELETE", error.InnerException.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"placed\"", "'placed'")]
    [InlineData("1", "Number")]
    [InlineData("\"DELIVERED\"", "'DELIVERED'")]
    public void Order_status_other_than_its_exact_names_fails_naming_field_and_value(string value, string named)
    {
        var json = $$"""{"event_type":"UPDATE","order_id":"{{OrderId}}","order_status":{{value}}}""";

        var error = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize(json, EventJsonContext.Default.OrderEvent));

        Assert.Contains("$.order_status", error.Message, StringComparison.Ordinal);
        Assert.Contains(named, error.InnerException!.Message, StringComparison.Ordinal);
    }
}
