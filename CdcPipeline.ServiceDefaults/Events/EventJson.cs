using System.Text.Json;

namespace CdcPipeline.Events;

/// <summary>
/// The events' JSON as the Go original writes it, byte for byte (<see cref="GoJsonEncoder"/>): what the Producer
/// sends. Reading accepts the same as <see cref="EventJsonContext.Default"/>.
/// </summary>
public static class EventJson
{
    /// <summary>Options with Go's string escaping and the source-generated event contracts.</summary>
    public static JsonSerializerOptions Options => Context.Options;

    /// <summary>The source-generated contracts bound to <see cref="Options"/>.</summary>
    public static EventJsonContext Context { get; } = new(new JsonSerializerOptions { Encoder = GoJsonEncoder.Instance });

    public static byte[] Serialize(UserEvent userEvent) => JsonSerializer.SerializeToUtf8Bytes(userEvent, Context.UserEvent);

    public static byte[] Serialize(OrderEvent orderEvent) => JsonSerializer.SerializeToUtf8Bytes(orderEvent, Context.OrderEvent);
}
