using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CdcPipeline.Events;

/// <summary>
/// RFC 3339 timestamps as Go's <c>time.Time</c> writes them: fractional seconds without trailing zeros,
/// <c>Z</c> for UTC, otherwise the numeric offset. Any RFC 3339 offset is accepted when reading.
/// </summary>
public sealed class Rfc3339TimestampConverter : JsonConverter<DateTimeOffset?>
{
    private const string LocalPart = "yyyy'-'MM'-'dd'T'HH':'mm':'ss.FFFFFFF";

    public override DateTimeOffset? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        var text = reader.GetString();
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var value)
            || text is null || text.Length < 20 || (text[^1] != 'Z' && text[^1] != 'z' && text[^6] != '+' && text[^6] != '-'))
        {
            throw new JsonException($"'{text}' is not an RFC 3339 timestamp with a UTC offset.");
        }

        return value;
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset? value, JsonSerializerOptions options)
    {
        if (value is not { } timestamp)
        {
            writer.WriteNullValue();
            return;
        }

        var local = timestamp.ToString(LocalPart, CultureInfo.InvariantCulture).TrimEnd('.');
        var offset = timestamp.Offset == TimeSpan.Zero
            ? "Z"
            : timestamp.ToString("zzz", CultureInfo.InvariantCulture);
        writer.WriteStringValue(local + offset);
    }
}
