using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CdcPipeline.Events;

/// <summary>
/// RFC 3339 timestamps as Go's <c>time.Time</c> writes them: fractional seconds without trailing zeros,
/// <c>Z</c> for UTC, otherwise the numeric offset. Read as strictly as Go's <c>time.Parse(time.RFC3339, …)</c>:
/// <c>yyyy-MM-ddTHH:mm:ss</c>, an optional fraction of 1 to 9 digits (Go's nanoseconds, truncated to .NET's
/// 100 ns), then <c>Z</c> or <c>±hh:mm</c>. A value that is not such a timestamp fails with a
/// <see cref="JsonException"/> whose message names the field (<c>Path: $.created_at</c>); its inner
/// <see cref="FormatException"/> names the value and what is wrong with it.
/// </summary>
internal sealed class Rfc3339TimestampConverter : JsonConverter<DateTimeOffset?>
{
    private const string LocalPart = "yyyy'-'MM'-'dd'T'HH':'mm':'ss.FFFFFFF";

    public override DateTimeOffset? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.String)
        {
            throw Invalid($"a JSON {reader.TokenType} is not an RFC 3339 timestamp string");
        }

        var text = reader.GetString()!;
        return Parse(text) ?? throw Invalid(
            $"'{text}' is not an RFC 3339 timestamp (yyyy-MM-ddTHH:mm:ss[.fraction of up to 9 digits] then Z or ±hh:mm)");
    }

    /// <summary>Parses like Go's <c>time.RFC3339</c> layout; null when <paramref name="text"/> is not such a timestamp.</summary>
    internal static DateTimeOffset? Parse(ReadOnlySpan<char> text)
    {
        // yyyy-MM-ddTHH:mm:ss is 19 characters; the shortest zone is "Z".
        if (text.Length < 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' || text[16] != ':'
            || !TryDigits(text, 0, 4, out var year) || !TryDigits(text, 5, 2, out var month) || !TryDigits(text, 8, 2, out var day)
            || !TryDigits(text, 11, 2, out var hour) || !TryDigits(text, 14, 2, out var minute) || !TryDigits(text, 17, 2, out var second))
        {
            return null;
        }

        var position = 19;
        long ticks = 0;
        if (text[position] == '.')
        {
            var start = ++position;
            while (position < text.Length && char.IsAsciiDigit(text[position]))
            {
                position++;
            }

            var digits = position - start;
            if (digits is < 1 or > 9)
            {
                return null;
            }

            // 7 digits are .NET ticks (100 ns); Go's 8th and 9th digit are truncated.
            for (var i = 0; i < 7; i++)
            {
                ticks = (ticks * 10) + (i < digits ? text[start + i] - '0' : 0);
            }
        }

        TimeSpan offset;
        var zone = text[position..];
        if (zone is "Z")
        {
            offset = TimeSpan.Zero;
        }
        else if (zone.Length == 6 && zone[0] is '+' or '-' && zone[3] == ':'
            && TryDigits(zone, 1, 2, out var offsetHours) && TryDigits(zone, 4, 2, out var offsetMinutes)
            && offsetHours < 24 && offsetMinutes < 60)
        {
            offset = new TimeSpan(offsetHours, offsetMinutes, 0) * (zone[0] == '-' ? -1 : 1);
        }
        else
        {
            return null;
        }

        if (month is < 1 or > 12 || day < 1 || year < 1 || day > DateTime.DaysInMonth(year, month)
            || hour > 23 || minute > 59 || second > 59 || offset.Duration() > TimeSpan.FromHours(14))
        {
            return null;
        }

        try
        {
            return new DateTimeOffset(year, month, day, hour, minute, second, offset).AddTicks(ticks);
        }
        catch (ArgumentOutOfRangeException)
        {
            // Outside what DateTimeOffset holds once converted to UTC (year 1 or 9999 with an offset).
            return null;
        }
    }

    private static bool TryDigits(ReadOnlySpan<char> text, int start, int count, out int value) =>
        int.TryParse(text.Slice(start, count), NumberStyles.None, CultureInfo.InvariantCulture, out value);

    /// <summary>No message of its own, so System.Text.Json writes the one that names the field's path.</summary>
    private static JsonException Invalid(string reason) => new(null, new FormatException(reason));

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
