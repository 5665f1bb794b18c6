using System.Text.Json;

namespace CdcPipeline.CassandraSink.Decoding;

/// <summary>
/// Finds the two values of a schema-wrapped change (<c>{"schema": ..., "payload": ...}</c>, nothing else) with a
/// reader, without building a document of the schema, which is most of the message's bytes.
/// </summary>
internal static class WrappedEnvelope
{
    private static ReadOnlySpan<byte> SchemaPrefix => "{\"schema\":"u8;

    private static ReadOnlySpan<byte> PayloadInfix => ",\"payload\":"u8;

    private static ReadOnlySpan<byte> Whitespace => " \t\r\n"u8;

    /// <summary>
    /// The compact form Kafka Connect's JsonConverter writes, <c>{"schema":S,"payload":P}</c>, with a schema S seen
    /// before: found by comparing bytes, without reading S again. S is one complete JSON value, so equal bytes are
    /// the same value; P is validated by the caller's parse. False for anything else.
    /// </summary>
    public static bool TrySplitKnown(ReadOnlySpan<byte> value, EnvelopeSchemas schemas, out EnvelopeSchemas.Entry? schema, out Range payload)
    {
        payload = default;
        schema = value.StartsWith(SchemaPrefix) ? schemas.Find(value[SchemaPrefix.Length..]) : null;
        if (schema is null)
        {
            return false;
        }

        var start = SchemaPrefix.Length + schema.Bytes.Length + PayloadInfix.Length;
        var end = value.TrimEnd(Whitespace).Length - 1;
        if (end <= start || value[end] != (byte)'}' || !value[(start - PayloadInfix.Length)..].StartsWith(PayloadInfix))
        {
            return false;
        }

        payload = new Range(start, end);
        return true;
    }

    /// <summary>False when the value is anything but exactly those two fields, each once, in valid JSON.</summary>
    public static bool TrySplit(ReadOnlySpan<byte> value, out Range schema, out Range payload)
    {
        schema = payload = default;
        bool hasSchema = false, hasPayload = false;
        try
        {
            var reader = new Utf8JsonReader(value);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isSchema = reader.ValueTextEquals("schema"u8);
                if ((isSchema ? hasSchema : hasPayload) || !(isSchema || reader.ValueTextEquals("payload"u8)))
                {
                    return false;
                }

                reader.Read();
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                var range = new Range(start, (int)reader.BytesConsumed);
                if (isSchema)
                {
                    (schema, hasSchema) = (range, true);
                }
                else
                {
                    (payload, hasPayload) = (range, true);
                }
            }

            // The object's end, then nothing but whitespace (the reader throws on a second value).
            return reader.TokenType == JsonTokenType.EndObject && !reader.Read() && hasSchema && hasPayload;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
