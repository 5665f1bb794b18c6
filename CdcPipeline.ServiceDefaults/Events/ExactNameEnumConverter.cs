using System.Text.Json;
using System.Text.Json.Serialization;

namespace CdcPipeline.Events;

/// <summary>
/// An enum written and read as exactly one of its wire names (case-sensitive, as Go compares strings). A number,
/// another case or an unknown name fails with a <see cref="JsonException"/> whose message names the field
/// (<c>Path: $.event_type</c>); its inner <see cref="FormatException"/> names the value and the accepted names.
/// </summary>
internal abstract class ExactNameEnumConverter<TEnum> : JsonConverter<TEnum>
    where TEnum : struct, Enum
{
    private readonly (TEnum Value, string Name)[] names;

    protected ExactNameEnumConverter(params (TEnum Value, string Name)[] names) => this.names = names;

    public override TEnum Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            foreach (var (value, name) in names)
            {
                if (reader.ValueTextEquals(name))
                {
                    return value;
                }
            }
        }

        var found = reader.TokenType == JsonTokenType.String ? $"'{reader.GetString()}'" : $"a JSON {reader.TokenType}";
        throw new JsonException(
            null,
            new FormatException($"{found} is not a {typeof(TEnum).Name}: expected exactly one of {string.Join(", ", names.Select(n => n.Name))}."));
    }

    public override void Write(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options)
    {
        foreach (var (known, name) in names)
        {
            if (EqualityComparer<TEnum>.Default.Equals(known, value))
            {
                writer.WriteStringValue(name);
                return;
            }
        }

        throw new JsonException($"{typeof(TEnum).Name} value {value} has no wire name.");
    }
}

/// <summary><see cref="EventType"/> on the wire: <c>CREATE</c>, <c>UPDATE</c>, <c>DELETE</c>.</summary>
internal sealed class EventTypeConverter() : ExactNameEnumConverter<EventType>(
    [.. Enum.GetValues<EventType>().Select(type => (type, WireNames.Of(type)))]);

/// <summary><see cref="OrderStatus"/> on the wire: <c>PLACED</c>, <c>SHIPPED</c>, <c>CANCELLED</c>.</summary>
internal sealed class OrderStatusConverter() : ExactNameEnumConverter<OrderStatus>(
    [.. Enum.GetValues<OrderStatus>().Select(status => (status, WireNames.Of(status)))]);
