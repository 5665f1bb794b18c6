using System.Text.Json;

namespace CdcPipeline.CassandraSink.Decoding;

/// <summary>One field of a Kafka Connect struct schema: its type, logical name and parameters.</summary>
internal sealed record FieldSchema(string Type, string? LogicalName, IReadOnlyDictionary<string, string> Parameters)
{
    public const string DecimalLogicalName = "org.apache.kafka.connect.data.Decimal";

    /// <summary>
    /// The fields of the envelope's <paramref name="side"/> struct (<c>before</c> or <c>after</c>) by column, or null
    /// without schemas. A malformed schema throws <see cref="ChangeDecodingException"/> naming the schema field.
    /// </summary>
    public static IReadOnlyDictionary<string, FieldSchema>? OfRow(JsonElement? envelopeSchema, string side)
    {
        if (envelopeSchema is not { } schema || schema.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (schema.ValueKind != JsonValueKind.Object)
        {
            throw new ChangeDecodingException($"schema is a JSON {schema.ValueKind}, not a Kafka Connect schema object");
        }

        if (!schema.TryGetProperty("fields", out var fields) || fields.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (fields.ValueKind != JsonValueKind.Array)
        {
            throw new ChangeDecodingException($"schema.fields is a JSON {fields.ValueKind}, not an array");
        }

        var index = 0;
        foreach (var field in fields.EnumerateArray())
        {
            var path = $"schema.fields[{index++}]";
            if (field.ValueKind != JsonValueKind.Object)
            {
                throw new ChangeDecodingException($"{path} is a JSON {field.ValueKind}, not a field object");
            }

            if (field.TryGetProperty("field", out var name) && name.ValueKind == JsonValueKind.String && name.ValueEquals(side)
                && field.TryGetProperty("fields", out var columns) && columns.ValueKind != JsonValueKind.Null)
            {
                return Columns($"{path}.fields ({side})", columns);
            }
        }

        return null;
    }

    private static Dictionary<string, FieldSchema> Columns(string path, JsonElement columns)
    {
        if (columns.ValueKind != JsonValueKind.Array)
        {
            throw new ChangeDecodingException($"{path} is a JSON {columns.ValueKind}, not an array");
        }

        var byName = new Dictionary<string, FieldSchema>(StringComparer.Ordinal);
        var index = 0;
        foreach (var column in columns.EnumerateArray())
        {
            var columnPath = $"{path}[{index++}]";
            if (column.ValueKind != JsonValueKind.Object)
            {
                throw new ChangeDecodingException($"{columnPath} is a JSON {column.ValueKind}, not a field object");
            }

            if (!column.TryGetProperty("field", out var name))
            {
                continue;
            }

            if (name.ValueKind != JsonValueKind.String)
            {
                throw new ChangeDecodingException($"{columnPath}.field is a JSON {name.ValueKind}, not a column name");
            }

            if (!byName.TryAdd(name.GetString()!, Of(columnPath, column)))
            {
                throw new ChangeDecodingException($"{path} declares the column '{name.GetString()}' twice");
            }
        }

        return byName;
    }

    private static FieldSchema Of(string path, JsonElement column)
    {
        var type = column.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "";
        var logicalName = column.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        if (column.TryGetProperty("parameters", out var p) && p.ValueKind != JsonValueKind.Null)
        {
            if (p.ValueKind != JsonValueKind.Object)
            {
                throw new ChangeDecodingException($"{path}.parameters is a JSON {p.ValueKind}, not an object");
            }

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
