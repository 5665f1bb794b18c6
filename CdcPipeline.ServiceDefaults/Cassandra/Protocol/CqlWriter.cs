using System.Buffers.Binary;
using System.Text;

namespace CdcPipeline.ServiceDefaults.Cassandra.Protocol;

/// <summary>Writes the notations of spec section 3 ([int], [string], [bytes], ...) into a frame body.</summary>
internal sealed class CqlWriter
{
    private readonly MemoryStream _buffer = new();

    public void WriteByte(byte value) => _buffer.WriteByte(value);

    public void WriteShort(ushort value)
    {
        Span<byte> span = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(span, value);
        _buffer.Write(span);
    }

    public void WriteInt(int value)
    {
        Span<byte> span = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(span, value);
        _buffer.Write(span);
    }

    public void WriteLong(long value)
    {
        Span<byte> span = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(span, value);
        _buffer.Write(span);
    }

    public void WriteRaw(ReadOnlySpan<byte> bytes) => _buffer.Write(bytes);

    public void WriteString(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        if (bytes.Length > ushort.MaxValue)
        {
            throw new ArgumentException($"A [string] holds at most {ushort.MaxValue} bytes; got {bytes.Length}.", nameof(value));
        }

        WriteShort((ushort)bytes.Length);
        _buffer.Write(bytes);
    }

    public void WriteLongString(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        WriteInt(bytes.Length);
        _buffer.Write(bytes);
    }

    /// <summary>[bytes]: an int length then the bytes; null is length -1.</summary>
    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        WriteInt(bytes.Length);
        _buffer.Write(bytes);
    }

    public void WriteNullBytes() => WriteInt(-1);

    /// <summary>[value]: like [bytes] but also "not set" (length -2).</summary>
    public void WriteValue(CqlValue value)
    {
        if (value.IsUnset)
        {
            WriteInt(-2);
        }
        else if (value.Bytes is null)
        {
            WriteInt(-1);
        }
        else
        {
            WriteBytes(value.Bytes);
        }
    }

    public void WriteShortBytes(ReadOnlySpan<byte> bytes)
    {
        WriteShort((ushort)bytes.Length);
        _buffer.Write(bytes);
    }

    public void WriteStringList(IReadOnlyCollection<string> values)
    {
        WriteShort((ushort)values.Count);
        foreach (var value in values)
        {
            WriteString(value);
        }
    }

    public void WriteStringMap(IReadOnlyDictionary<string, string> map)
    {
        WriteShort((ushort)map.Count);
        foreach (var (key, value) in map)
        {
            WriteString(key);
            WriteString(value);
        }
    }

    public void WriteStringMultimap(IReadOnlyDictionary<string, IReadOnlyCollection<string>> map)
    {
        WriteShort((ushort)map.Count);
        foreach (var (key, values) in map)
        {
            WriteString(key);
            WriteStringList(values);
        }
    }

    public void WriteType(CqlType type)
    {
        WriteShort((ushort)type.Code);
        switch (type.Code)
        {
            case CqlTypeCode.Custom:
                WriteString(type.CustomName ?? string.Empty);
                break;
            case CqlTypeCode.List or CqlTypeCode.Set:
                WriteType(type.Elements[0]);
                break;
            case CqlTypeCode.Map:
                WriteType(type.Elements[0]);
                WriteType(type.Elements[1]);
                break;
        }
    }

    public byte[] ToArray() => _buffer.ToArray();
}
