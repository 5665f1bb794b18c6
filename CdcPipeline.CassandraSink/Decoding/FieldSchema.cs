using System.Text.Json;

namespace CdcPipeline.CassandraSink.Decoding;

/// <summary>One field of a Kafka Connect struct schema: its type, logical name and parameters.</summary>
internal sealed record FieldSchema(string Type, string? LogicalName, IReadOnlyDictionary<string, string> Parameters)
{
    public const string DecimalLogicalName = "org.apache.kafka.connect.data.Decimal";

    /// <summary>The fields of the envelope's <paramref name="side"/> struct (<c>before</c> or <c>after</c>) by column, or null without schemas.</summary>
    public static IReadOnlyDictionary<string, FieldSchema>? OfRow(JsonElement? envelopeSchema, string side)
    {
        if (envelopeSchema is not { ValueKind: JsonValueKind.Object } schema
            || !schema.TryGetProperty("fields", out var fields)
            || fields.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        foreach (var field in fields.EnumerateArray())
        {
            if (field.TryGetProperty("field", out var name) && name.ValueEquals(side)
                && field.TryGetProperty("fields", out var columns) && columns.ValueKind == JsonValueKind.Array)
            {
                return columns.EnumerateArray()
                    .Where(column => column.TryGetProperty("field", out _))
                    .ToDictionary(column => column.GetProperty("field").GetString()!, Of, StringComparer.Ordinal);
            }
        }

        return null;
    }

    private static FieldSchema Of(JsonElement column)
    {
        var type = column.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "";
        var logicalName = column.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        if (column.TryGetProperty("parameters", out var p) && p.ValueKind == JsonValueKind.Object)
        {
            foreach (var parameter in p.EnumerateObject())
            {
                parameters[parameter.Name] = parameter.Value.ValueKind == JsonValueKind.String
                    ? parameter.Value.GetString()!
                    : parameter.Value.GetRawText();
            }
        }

        return new FieldSchema(type, logicalName, parameters);
    }
}
