using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using CdcPipeline.CassandraSink.Options;

namespace CdcPipeline.CassandraSink.Decoding;

/// <summary>
/// Reads the columns of one side (<c>before</c> / <c>after</c>) of a change, applying Debezium's encodings for
/// each type; every error names the field, e.g. <c>after.total_amount</c>.
/// </summary>
internal sealed class RowReader(
    string table,
    string side,
    JsonElement row,
    IReadOnlyDictionary<string, FieldSchema>? schema,
    SinkOptions options)
{
    private static readonly int EpochDayNumber = new DateOnly(1970, 1, 1).DayNumber;

    public Guid Uuid(string column) => OptionalUuid(column) ?? throw Missing(column);

    public Guid? OptionalUuid(string column)
    {
        if (Value(column) is not { } value)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String && Guid.TryParse(String(column, value), out var id)
            ? id
            : throw Invalid(column, $"{value.GetRawText()} is not a uuid string (io.debezium.data.Uuid)");
    }

    public string Text(string column)
    {
        var value = Value(column) ?? throw Missing(column);
        return value.ValueKind == JsonValueKind.String
            ? String(column, value)
            : throw Invalid(column, $"{value.GetRawText()} is not a string");
    }

    public int Int32(string column)
    {
        var value = Value(column) ?? throw Missing(column);
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number)
            ? number
            : throw Invalid(column, $"{value.GetRawText()} is not a 32-bit integer");
    }

    public bool Boolean(string column)
    {
        var value = Value(column) ?? throw Missing(column);
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Invalid(column, $"{value.GetRawText()} is not a boolean"),
        };
    }

    /// <summary><c>io.debezium.time.Date</c>: days since 1970-01-01.</summary>
    public DateOnly Date(string column)
    {
        var value = Value(column) ?? throw Missing(column);
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var days))
        {
            throw Invalid(column, $"{value.GetRawText()} is not a number of days since the epoch (io.debezium.time.Date)");
        }

        var dayNumber = (long)EpochDayNumber + days;
        return dayNumber is >= 0 and <= 3_652_058
            ? DateOnly.FromDayNumber((int)dayNumber)
            : throw Invalid(column, $"{days} days since the epoch is outside the years 1..9999");
    }

    /// <summary><c>io.debezium.time.ZonedTimestamp</c>: an ISO-8601 string with an offset, e.g. <c>2024-05-01T10:15:30.123456Z</c>.</summary>
    public DateTimeOffset? ZonedTimestamp(string column)
    {
        if (Value(column) is not { } value)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String || !TryParseIso(String(column, value), out var timestamp))
        {
            throw Invalid(column, $"{value.GetRawText()} is not an ISO-8601 timestamp with offset (io.debezium.time.ZonedTimestamp)");
        }

        return timestamp;
    }

    /// <summary>
    /// Like <see cref="ZonedTimestamp"/> for a column the sink only observes: false instead of an error when the value
    /// is not a timestamp; absent or null reads as null.
    /// </summary>
    public bool TryZonedTimestamp(string column, out DateTimeOffset? timestamp)
    {
        timestamp = null;
        if (Value(column) is not { } value)
        {
            return true;
        }

        if (value.ValueKind != JsonValueKind.String || !TryParseIso(value.GetString()!, out var parsed))
        {
            return false;
        }

        timestamp = parsed;
        return true;
    }

    /// <summary>A W3C traceparent column; null when absent, null or malformed (telemetry never fails a change).</summary>
    public ActivityContext? TraceParent(string column) =>
        Value(column) is { ValueKind: JsonValueKind.String } value
        && ActivityContext.TryParse(value.GetString(), traceState: null, isRemote: true, out var context)
            ? context
            : null;

    /// <summary>A decimal in any of Debezium's <c>decimal.handling.mode</c> encodings.</summary>
    public decimal Decimal(string column)
    {
        var value = Value(column) ?? throw Missing(column);
        var configuredScale = options.DecimalScales.TryGetValue($"{ShortTable}.{column}", out var s) ? s : (int?)null;
        try
        {
            if (schema?.GetValueOrDefault(column) is { } field)
            {
                return field switch
                {
                    { LogicalName: FieldSchema.DecimalLogicalName } => DebeziumDecimal.FromBase64(
                        String(value), SchemaScale(field, column)),
                    { Type: "string" } => DebeziumDecimal.FromText(String(value)),
                    { Type: "double" or "float" or "float64" or "float32" } => DebeziumDecimal.ToScale(
                        DebeziumDecimal.FromText(Number(value)), configuredScale),
                    _ => throw Invalid(column, $"schema type '{field.Type}' ({field.LogicalName}) is not a Debezium decimal encoding"),
                };
            }

            if (value.ValueKind == JsonValueKind.Number)
            {
                return DebeziumDecimal.ToScale(DebeziumDecimal.FromText(value.GetRawText()), configuredScale);
            }

            return options.DecimalHandlingMode switch
            {
                DecimalHandlingMode.Precise => DebeziumDecimal.FromBase64(
                    String(value),
                    configuredScale ?? throw Invalid(column,
                        $"a base64 decimal without schema has no scale: set {SinkOptions.Section}:DecimalScales:{ShortTable}.{column}")),
                _ => DebeziumDecimal.FromText(String(value)),
            };
        }
        catch (FormatException ex)
        {
            throw Invalid(column, ex.Message);
        }
        catch (InvalidOperationException ex)
        {
            throw Invalid(column, ex.Message);
        }
    }

    private string ShortTable => table[(table.IndexOf('.', StringComparison.Ordinal) + 1)..];

    private int SchemaScale(FieldSchema field, string column) =>
        field.Parameters.TryGetValue("scale", out var text) && int.TryParse(text, CultureInfo.InvariantCulture, out var scale)
            ? scale
            : throw Invalid(column, "the Decimal schema has no integer 'scale' parameter");

    private static string String(JsonElement value) =>
        value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new FormatException($"{value.GetRawText()} is not a string");

    private static string Number(JsonElement value) =>
        value.ValueKind == JsonValueKind.Number
            ? value.GetRawText()
            : throw new FormatException($"{value.GetRawText()} is not a number");

    /// <summary>
    /// A JSON string's text. Invalid UTF-8, or an escaped half of a UTF-16 pair (<c>\ud800</c>), is not text and is
    /// refused, naming the column (Cassandra would store a replacement character instead).
    /// </summary>
    private string String(string column, JsonElement value)
    {
        try
        {
            return value.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw Invalid(column, "the string is not valid Unicode text (invalid UTF-8, or an escaped lone surrogate)");
        }
    }

    private JsonElement? Value(string column) =>
        row.TryGetProperty(column, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    private ChangeDecodingException Missing(string column) =>
        new($"{side}.{column} is missing or null in a change of {table}");

    private ChangeDecodingException Invalid(string column, string problem) =>
        new($"{side}.{column} in a change of {table}: {problem}");

    private static bool TryParseIso(string text, out DateTimeOffset timestamp)
    {
        // .NET parses at most 7 fractional digits; Debezium may write 9 (nanoseconds).
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0)
        {
            var end = dot + 1;
            while (end < text.Length && char.IsAsciiDigit(text[end]))
            {
                end++;
            }

            if (end - dot - 1 > 7)
            {
                text = string.Concat(text.AsSpan(0, dot + 8), text.AsSpan(end));
            }
        }

        var hasOffset = text.EndsWith('Z') || text.EndsWith('z')
            || (text.Length > 6 && text[^6] is '+' or '-' && text[^3] == ':');
        timestamp = default;
        return hasOffset && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out timestamp);
    }
}
