using System.Globalization;
using System.Text.Json;
using CdcPipeline.CassandraSink.Changes;
using CdcPipeline.CassandraSink.Options;
using CdcPipeline.CassandraSink.Writing;
using Microsoft.Extensions.Options;

namespace CdcPipeline.CassandraSink.Decoding;

/// <summary>
/// Decodes the value of a Debezium PostgreSQL change event (JSON converter, with or without schemas) into a
/// <see cref="RowChange"/> of a known table; anything else becomes a tombstone, unknown-table or undecodable outcome.
/// A field given twice is refused (Debezium never writes one; which one counts would be a guess).
/// </summary>
internal sealed class DebeziumDecoder(IOptions<SinkOptions> options)
{
    private static readonly JsonDocumentOptions Strict = new() { AllowDuplicateProperties = false };

    private readonly SinkOptions _options = options.Value;

    private readonly EnvelopeSchemas _schemas = new();

    public DecodeOutcome Decode(ReadOnlyMemory<byte> value, bool isNull)
    {
        if (isNull)
        {
            return new DecodeOutcome.Tombstone();
        }

        try
        {
            return DecodeWrapped(value) ?? DecodeDocument(value);
        }
        catch (JsonException ex)
        {
            var at = JsonFailure.Locate(value.Span) is { } path ? $" (at {path})" : string.Empty;
            return new DecodeOutcome.Undecodable($"the value is not JSON{at}: {ex.Message}");
        }
        catch (ChangeDecodingException ex)
        {
            return new DecodeOutcome.Undecodable(ex.Message);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A shape the checks above did not foresee must not stop the sink: the message is dead-lettered instead.
            return new DecodeOutcome.Undecodable($"the change could not be decoded ({ex.GetType().Name}): {ex.Message}");
        }
    }

    /// <summary>
    /// The usual shape, <c>{"schema": ..., "payload": {...}}</c>, decoded with the schema parsed once per distinct
    /// schema; null when the value is of another shape or not valid JSON, which <see cref="DecodeDocument"/> decodes
    /// (or refuses) as a whole.
    /// </summary>
    private DecodeOutcome? DecodeWrapped(ReadOnlyMemory<byte> value)
    {
        if (!WrappedEnvelope.TrySplitKnown(value.Span, _schemas, out var schema, out var payloadRange))
        {
            if (!WrappedEnvelope.TrySplit(value.Span, out var schemaRange, out payloadRange))
            {
                return null;
            }

            schema = _schemas.Get(value.Span[schemaRange]);
        }

        if (schema is null || value.Span[payloadRange][0] != (byte)'{')
        {
            return null;
        }

        JsonDocument payload;
        try
        {
            payload = JsonDocument.Parse(value[payloadRange], Strict);
        }
        catch (JsonException)
        {
            return null;
        }

        using (payload)
        {
            return DecodePayload(payload.RootElement, schema.Of);
        }
    }

    private DecodeOutcome DecodeDocument(ReadOnlyMemory<byte> value)
    {
        using var document = JsonDocument.Parse(value, Strict);
        return Decode(document.RootElement);
    }

    private DecodeOutcome Decode(JsonElement root)
    {
        if (root.ValueKind == JsonValueKind.Null)
        {
            return new DecodeOutcome.Tombstone();
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new ChangeDecodingException($"the value is a JSON {root.ValueKind}, not a Debezium envelope object");
        }

        // JsonConverter with schemas.enable=true wraps the envelope: {"schema": ..., "payload": ...}.
        JsonElement? envelopeSchema = null;
        var payload = root;
        if (root.TryGetProperty("payload", out var wrapped) && root.TryGetProperty("schema", out var schema))
        {
            envelopeSchema = schema;
            payload = wrapped;
            if (payload.ValueKind == JsonValueKind.Null)
            {
                return new DecodeOutcome.Tombstone();
            }

            if (payload.ValueKind != JsonValueKind.Object)
            {
                throw new ChangeDecodingException("payload is not a JSON object");
            }
        }

        return DecodePayload(payload, side => FieldSchema.OfRow(envelopeSchema, side));
    }

    private DecodeOutcome DecodePayload(JsonElement payload, Func<string, IReadOnlyDictionary<string, FieldSchema>?> sideSchema)
    {
        if (!payload.TryGetProperty("source", out var source) || source.ValueKind != JsonValueKind.Object)
        {
            throw new ChangeDecodingException("source is missing: not a Debezium change event");
        }

        var table = $"{SourceText(source, "schema")}.{SourceText(source, "table")}";
        if (table is not (UserChange.TableName or OrderChange.TableName))
        {
            return new DecodeOutcome.UnknownTable(table);
        }

        var operation = Operation(payload);
        var position = Position(source, operation);
        var before = Side(payload, sideSchema, table, "before");
        var after = Side(payload, sideSchema, table, "after");

        RowChange change = table == UserChange.TableName
            ? UserDecoding.Decode(operation, position, before, after)
            : OrderDecoding.Decode(operation, position, before, after);
        return new DecodeOutcome.Change(change);
    }

    private RowReader? Side(JsonElement payload, Func<string, IReadOnlyDictionary<string, FieldSchema>?> sideSchema, string table, string side)
    {
        if (!payload.TryGetProperty(side, out var row) || row.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return row.ValueKind == JsonValueKind.Object
            ? new RowReader(table, side, row, sideSchema(side), _options)
            : throw new ChangeDecodingException($"{side} is a JSON {row.ValueKind}, not an object");
    }

    private static ChangeOperation Operation(JsonElement payload)
    {
        if (!payload.TryGetProperty("op", out var op) || op.ValueKind == JsonValueKind.Null)
        {
            throw new ChangeDecodingException("op is missing");
        }

        if (op.ValueKind != JsonValueKind.String)
        {
            throw new ChangeDecodingException($"op is a JSON {op.ValueKind}, not a string (c, r, u, d)");
        }

        return op.GetString() switch
        {
            "c" => ChangeOperation.Create,
            "r" => ChangeOperation.Read,
            "u" => ChangeOperation.Update,
            "d" => ChangeOperation.Delete,
            "t" => throw new ChangeDecodingException(
                "op 't' (truncate) is not applied: Cassandra's TRUNCATE cannot be ordered by write timestamp; truncate the Cassandra tables by hand"),
            var other => throw new ChangeDecodingException($"op '{other}' is not a Debezium row operation (c, r, u, d)"),
        };
    }

    private static SourcePosition Position(JsonElement source, ChangeOperation operation)
    {
        var lsn = SourceLong(source, "lsn") ?? throw new ChangeDecodingException(
            "source.lsn is missing: the write timestamp is derived from it");
        if (lsn is < 0 or >= WriteTimestamp.MaxLsn)
        {
            throw new ChangeDecodingException($"source.lsn {lsn} is outside 0..2^62");
        }

        // Only what the sink uses is read; source.sequence is informative, so anything unexpected in it reads as null.
        var lastCommitLsn = source.TryGetProperty("sequence", out var sequence) && sequence.ValueKind == JsonValueKind.String
            ? LastCommitLsn(sequence.GetString()!)
            : null;

        // Debezium 1.x-2.x write true/false/last/incremental, 3.x also first/first_in_data_collection/
        // last_in_data_collection/in_data_collection: everything but "false" marks a snapshot read.
        var snapshotValue = source.TryGetProperty("snapshot", out var s)
            ? s.ValueKind switch
            {
                JsonValueKind.True => "true",
                JsonValueKind.String => s.GetString(),
                _ => null,
            }
            : null;
        var snapshot = snapshotValue is not (null or "false" or "");
        var sourceTime = source.TryGetProperty("ts_ms", out var ts) && ts.ValueKind == JsonValueKind.Number
            && ts.TryGetInt64(out var ms) && ms is >= 0 and < 253_402_300_800_000
                ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
                : (DateTimeOffset?)null;
        return new SourcePosition(
            lsn, lastCommitLsn, snapshot || operation == ChangeOperation.Read, snapshotValue == "incremental", sourceTime);
    }

    /// <summary>
    /// <c>source.sequence</c> is a JSON array in a string: <c>["lastCommitLsn","lsn"]</c>, elements may be null.
    /// Null when it is anything else.
    /// </summary>
    private static long? LastCommitLsn(string sequence)
    {
        try
        {
            using var document = JsonDocument.Parse(sequence);
            var items = document.RootElement;
            if (items.ValueKind != JsonValueKind.Array || items.GetArrayLength() == 0)
            {
                return null;
            }

            var first = items[0];
            return first.ValueKind switch
            {
                JsonValueKind.String when long.TryParse(first.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var v) => v,
                JsonValueKind.Number when first.TryGetInt64(out var v) && v >= 0 => v,
                _ => null,
            };
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string SourceText(JsonElement source, string name) =>
        source.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new ChangeDecodingException($"source.{name} is missing");

    private static long? SourceLong(JsonElement source, string name)
    {
        if (!source.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetInt64(out var number) => number,
            JsonValueKind.String when long.TryParse(value.GetString(), CultureInfo.InvariantCulture, out var number) => number,
            _ => throw new ChangeDecodingException($"source.{name} {value.GetRawText()} is not an integer"),
        };
    }
}
