using System.Buffers.Binary;
using System.Text;

namespace CdcPipeline.ServiceDefaults.Cassandra.Protocol;

/// <summary>Reads the notations of spec section 3 from a frame body.</summary>
internal sealed class CqlReader(byte[] body)
{
    private int _position;

    public bool AtEnd => _position >= body.Length;

    public int Position => _position;

    public byte ReadByte() => Take(1)[0];

    public ushort ReadShort() => BinaryPrimitives.ReadUInt16BigEndian(Take(2));

    public int ReadInt() => BinaryPrimitives.ReadInt32BigEndian(Take(4));

    /// <summary>Reads an [int] count of following items; a negative one is malformed.</summary>
    public int ReadCount(string what)
    {
        var count = ReadInt();
        return count >= 0 ? count : throw new InvalidDataException($"The {what} count {count} is negative.");
    }

    /// <summary>A list capacity for a count read from the peer: never pre-allocate more than a sane amount on its word.</summary>
    public static int Capacity(int count) => Math.Min(count, 1024);

    public long ReadLong() => BinaryPrimitives.ReadInt64BigEndian(Take(8));

    public string ReadString() => Encoding.UTF8.GetString(Take(ReadShort()));

    public string ReadLongString()
    {
        var length = ReadInt();
        if (length < 0)
        {
            throw new InvalidDataException($"A [long string] has negative length {length}.");
        }

        return Encoding.UTF8.GetString(Take(length));
    }

    /// <summary>[bytes]; null for a negative length.</summary>
    public byte[]? ReadBytes()
    {
        var length = ReadInt();
        return length < 0 ? null : Take(length).ToArray();
    }

    /// <summary>[value]: [bytes] that may also be "not set" (length -2).</summary>
    public CqlValue ReadValue()
    {
        var length = ReadInt();
        return length switch
        {
            -2 => CqlValue.Unset,
            < 0 => CqlValue.Null,
            _ => new CqlValue(Take(length).ToArray()),
        };
    }

    public byte[] ReadShortBytes() => Take(ReadShort()).ToArray();

    public Guid ReadUuid() => new(Take(16), bigEndian: true);

    public IReadOnlyList<string> ReadStringList()
    {
        var count = ReadShort();
        var list = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            list.Add(ReadString());
        }

        return list;
    }

    public IReadOnlyDictionary<string, string> ReadStringMap()
    {
        var count = ReadShort();
        var map = new Dictionary<string, string>(count, StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var key = ReadString();
            map[key] = ReadString();
        }

        return map;
    }

    public IReadOnlyDictionary<string, IReadOnlyList<string>> ReadStringMultimap()
    {
        var count = ReadShort();
        var map = new Dictionary<string, IReadOnlyList<string>>(count, StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var key = ReadString();
            map[key] = ReadStringList();
        }

        return map;
    }

    public IReadOnlyDictionary<string, byte[]?> ReadBytesMap()
    {
        var count = ReadShort();
        var map = new Dictionary<string, byte[]?>(count, StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var key = ReadString();
            map[key] = ReadBytes();
        }

        return map;
    }

    public CqlType ReadType()
    {
        var code = (CqlTypeCode)ReadShort();
        return code switch
        {
            CqlTypeCode.Custom => CqlType.Custom(ReadString()),
            CqlTypeCode.List => CqlType.List(ReadType()),
            CqlTypeCode.Set => CqlType.Set(ReadType()),
            CqlTypeCode.Map => CqlType.Map(ReadType(), ReadType()),
            CqlTypeCode.Udt or CqlTypeCode.Tuple =>
                throw new NotSupportedException($"Column type {code} (user defined types and tuples) is not supported by this client."),
            _ => CqlType.Of(code),
        };
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || _position + count > body.Length)
        {
            throw new InvalidDataException(
                $"The frame body ends early: needed {count} bytes at offset {_position} of {body.Length}.");
        }

        var span = body.AsSpan(_position, count);
        _position += count;
        return span;
    }
}
