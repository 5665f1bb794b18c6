using System.Text;
using CdcPipeline.Capture.Json;
using CdcPipeline.Capture.Schema;

namespace CdcPipeline.Capture.Records;

/// <summary>
/// Kafka Connect schemas as JsonConverter writes them (<c>asJsonSchema</c>): the members of every schema object in
/// the order <c>type</c>, <c>fields</c>, <c>optional</c>, <c>name</c>, <c>version</c>, <c>doc</c>, <c>parameters</c>,
/// <c>default</c>, and inside a struct's <c>fields</c> each field's schema followed by <c>"field":"name"</c> last.
/// </summary>
internal static class ConnectSchemaJson
{
    /// <summary>The schema of one column as a struct field.</summary>
    public static void WriteField(JsonBuffer json, ColumnDefinition column)
    {
        var type = column.Type;
        json.WriteRaw("{\"type\":"u8);
        json.WriteString(type.ConnectType);
        json.WriteRaw(",\"optional\":"u8);
        json.WriteBoolean(column.Optional);
        if (type.LogicalName is { } name)
        {
            json.WriteRaw(",\"name\":"u8);
            json.WriteString(name);
        }

        if (type.LogicalVersion is { } version)
        {
            json.WriteRaw(",\"version\":"u8);
            json.WriteInt64(version);
        }

        if (type.Parameters is { } parameters)
        {
            json.WriteRaw(",\"parameters\":{"u8);
            for (var i = 0; i < parameters.Count; i++)
            {
                if (i > 0)
                {
                    json.WriteByte((byte)',');
                }

                json.WriteString(parameters[i].Key);
                json.WriteByte((byte)':');
                json.WriteString(parameters[i].Value);
            }

            json.WriteByte((byte)'}');
        }

        if (column.DefaultJson is { } defaultJson)
        {
            json.WriteRaw(",\"default\":"u8);
            json.WriteRaw(defaultJson);
        }

        json.WriteRaw(",\"field\":"u8);
        json.WriteString(column.Name);
        json.WriteByte((byte)'}');
    }

    /// <summary>A struct schema of the given columns, with <c>"field":…</c> appended when it is itself a field.</summary>
    public static void WriteStruct(JsonBuffer json, IEnumerable<ColumnDefinition> columns, bool optional, string name, string? field)
    {
        json.WriteRaw("{\"type\":\"struct\",\"fields\":["u8);
        var first = true;
        foreach (var column in columns)
        {
            if (!first)
            {
                json.WriteByte((byte)',');
            }

            first = false;
            WriteField(json, column);
        }

        json.WriteRaw("],\"optional\":"u8);
        json.WriteBoolean(optional);
        json.WriteRaw(",\"name\":"u8);
        json.WriteString(name);
        if (field is not null)
        {
            json.WriteRaw(",\"field\":"u8);
            json.WriteString(field);
        }

        json.WriteByte((byte)'}');
    }

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
