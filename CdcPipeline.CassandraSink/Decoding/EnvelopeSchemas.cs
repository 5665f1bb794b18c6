using System.Text.Json;

namespace CdcPipeline.CassandraSink.Decoding;

/// <summary>
/// The column schemas of the <c>before</c> and <c>after</c> sides by the envelope schema's exact bytes: a topic's
/// changes all carry the same schema, so it is parsed once instead of once per change. A schema
/// <see cref="FieldSchema.OfRow"/> refuses is remembered with its reason and refused again, alike.
/// </summary>
internal sealed class EnvelopeSchemas
{
    /// <summary>Distinct schemas kept; one per table and connector version is the usual need.</summary>
    private const int Capacity = 16;

    private static readonly JsonDocumentOptions Strict = new() { AllowDuplicateProperties = false };

    private readonly Lock _lock = new();
    private readonly List<Entry> _entries = new(Capacity);
    private int _nextEvicted;

    /// <summary>The entry whose schema bytes begin <paramref name="value"/>, or null.</summary>
    public Entry? Find(ReadOnlySpan<byte> value)
    {
        lock (_lock)
        {
            foreach (var entry in _entries)
            {
                if (value.StartsWith(entry.Bytes))
                {
                    return entry;
                }
            }
        }

        return null;
    }

    /// <summary>The schemas of the sides, or null when <paramref name="schema"/> is not valid JSON (then nothing is cached).</summary>
    public Entry? Get(ReadOnlySpan<byte> schema)
    {
        lock (_lock)
        {
            foreach (var entry in _entries)
            {
                if (entry.Bytes.AsSpan().SequenceEqual(schema))
                {
                    return entry;
                }
            }
        }

        Entry created;
        try
        {
            using var document = JsonDocument.Parse(schema.ToArray(), Strict);
            created = new Entry(schema.ToArray(), Side(document.RootElement, "before"), Side(document.RootElement, "after"));
        }
        catch (JsonException)
        {
            return null;
        }

        lock (_lock)
        {
            if (_entries.Count < Capacity)
            {
                _entries.Add(created);
            }
            else
            {
                _entries[_nextEvicted] = created;
                _nextEvicted = (_nextEvicted + 1) % Capacity;
            }
        }

        return created;
    }

    private static SideSchema Side(JsonElement schema, string side)
    {
        try
        {
            return new SideSchema(FieldSchema.OfRow(schema, side), Refusal: null);
        }
        catch (ChangeDecodingException refused)
        {
            return new SideSchema(null, refused.Message);
        }
    }

    internal sealed record Entry(byte[] Bytes, SideSchema Before, SideSchema After)
    {
        public IReadOnlyDictionary<string, FieldSchema>? Of(string side)
        {
            var schema = side == "before" ? Before : After;
            return schema.Refusal is { } reason ? throw new ChangeDecodingException(reason) : schema.Columns;
        }
    }

    internal sealed record SideSchema(IReadOnlyDictionary<string, FieldSchema>? Columns, string? Refusal);
}
