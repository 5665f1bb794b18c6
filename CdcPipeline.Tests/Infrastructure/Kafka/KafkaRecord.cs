using System.Text;
using Confluent.Kafka;

namespace CdcPipeline.Tests.Infrastructure.Kafka;

/// <summary>A message read back from a topic, exactly as stored: raw key, value and headers.</summary>
public sealed record KafkaRecord(
    string Topic,
    int Partition,
    long Offset,
    byte[]? Key,
    byte[]? Value,
    IReadOnlyList<KeyValuePair<string, byte[]>> Headers,
    DateTime TimestampUtc)
{
    public string? KeyString => Key is null ? null : Encoding.UTF8.GetString(Key);

    public string? ValueString => Value is null ? null : Encoding.UTF8.GetString(Value);

    /// <summary>The last value of header <paramref name="name"/> as UTF-8, or null when absent.</summary>
    public string? Header(string name)
    {
        var bytes = HeaderBytes(name);
        return bytes is null ? null : Encoding.UTF8.GetString(bytes);
    }

    public byte[]? HeaderBytes(string name)
    {
        byte[]? last = null;
        foreach (var header in Headers)
        {
            if (header.Key == name)
            {
                last = header.Value;
            }
        }

        return last;
    }

    internal static KafkaRecord From(ConsumeResult<byte[]?, byte[]?> result) => new(
        result.Topic,
        result.Partition.Value,
        result.Offset.Value,
        result.Message.Key,
        result.Message.Value,
        result.Message.Headers?.Select(h => new KeyValuePair<string, byte[]>(h.Key, h.GetValueBytes())).ToArray() ?? [],
        result.Message.Timestamp.UtcDateTime);
}
