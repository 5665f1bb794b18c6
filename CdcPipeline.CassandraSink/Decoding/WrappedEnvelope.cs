using System.Text.Json;

namespace CdcPipeline.CassandraSink.Decoding;

/// <summary>
/// Finds the two values of a schema-wrapped change (<c>{"schema": ..., "payload": ...}</c>, nothing else) with a
/// reader, without building a document of the schema, which is most of the message's bytes.
/// </summary>
internal static class WrappedEnvelope
{
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
