using System.Text;
using System.Text.Json;

namespace CdcPipeline.CassandraSink.Decoding;

/// <summary>
/// Where a message stops being JSON the sink accepts: the path (<c>after.name</c>, <c>schema.fields[2].field</c>) of
/// the value the reader failed in, or of a field given twice in one object. Found by reading the message again
/// token by token, so the dead letter's reason can name the field.
/// </summary>
internal static class JsonFailure
{
    public static string? Locate(ReadOnlySpan<byte> value)
    {
        var reader = new Utf8JsonReader(value);
        var containers = new Stack<Container>();
        string? property = null;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        property = reader.GetString()!;
                        if (!containers.Peek().Names!.Add(property))
                        {
                            return Render(containers, property);
                        }

                        break;
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        containers.Push(new Container(Segment(containers, property), reader.TokenType == JsonTokenType.StartObject ? new HashSet<string>(StringComparer.Ordinal) : null));
                        property = null;
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        containers.Pop();
                        Advance(containers);
                        property = null;
                        break;
                    default:
                        Advance(containers);
                        property = null;
                        break;
                }
            }
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException)
        {
            return Render(containers, property);
        }

        return null;
    }

    /// <summary>The segment a new container (or the failing value) is at: a property, an array position, or the root.</summary>
    private static string? Segment(Stack<Container> containers, string? property) =>
        property ?? (containers.TryPeek(out var parent) && parent.Names is null ? $"[{parent.Index}]" : null);

    private static void Advance(Stack<Container> containers)
    {
        if (containers.TryPeek(out var parent) && parent.Names is null)
        {
            parent.Index++;
        }
    }

    private static string? Render(Stack<Container> containers, string? property)
    {
        var path = new StringBuilder();
        foreach (var segment in containers.Reverse().Select(c => c.Segment).Append(Segment(containers, property)))
        {
            if (segment is null)
            {
                continue;
            }

            if (path.Length > 0 && segment[0] != '[')
            {
                path.Append('.');
            }

            path.Append(segment);
        }

        return path.Length == 0 ? null : path.ToString();
    }

    /// <summary>An open object (with the property names seen so far) or array (with the position of its next element).</summary>
    private sealed class Container(string? segment, HashSet<string>? names)
    {
        public string? Segment { get; } = segment;

        public HashSet<string>? Names { get; } = names;

        public int Index { get; set; }
    }
}
