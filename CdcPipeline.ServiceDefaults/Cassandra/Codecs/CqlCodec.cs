using System.Buffers.Binary;
using System.Collections;
using System.Globalization;
using System.Net;
using System.Numerics;
using System.Text;
using CdcPipeline.ServiceDefaults.Cassandra.Protocol;

namespace CdcPipeline.ServiceDefaults.Cassandra.Codecs;

/// <summary>
/// Serializes .NET values to the CQL formats of spec section 6 and back. Each CQL type maps to one
/// .NET type on reading (text → string, bigint → long, decimal → decimal, date → DateOnly,
/// timestamp → DateTimeOffset, uuid → Guid, varint → BigInteger, blob → byte[], ...).
/// </summary>
internal static class CqlCodec
{
    /// <summary>Serializes a value for a column of a known type; null is a null value, <see cref="CqlUnset"/> "not set".</summary>
    public static CqlValue Serialize(CqlType type, object? value) => value switch
    {
        null => CqlValue.Null,
        CqlUnset => CqlValue.Unset,
        _ => new CqlValue(SerializeNonNull(type, value)),
    };

    /// <summary>The CQL type a value is sent as when no metadata is known (values of unprepared statements).</summary>
    public static CqlType InferType(object value) => value switch
    {
        string => CqlType.Of(CqlTypeCode.Varchar),
        int => CqlType.Of(CqlTypeCode.Int),
        long => CqlType.Of(CqlTypeCode.Bigint),
        bool => CqlType.Of(CqlTypeCode.Boolean),
        decimal => CqlType.Of(CqlTypeCode.Decimal),
        double => CqlType.Of(CqlTypeCode.Double),
        float => CqlType.Of(CqlTypeCode.Float),
        short => CqlType.Of(CqlTypeCode.Smallint),
        sbyte => CqlType.Of(CqlTypeCode.Tinyint),
        Guid => CqlType.Of(CqlTypeCode.Uuid),
        DateTimeOffset or DateTime => CqlType.Of(CqlTypeCode.Timestamp),
        DateOnly => CqlType.Of(CqlTypeCode.Date),
        TimeOnly => CqlType.Of(CqlTypeCode.Time),
        byte[] or ReadOnlyMemory<byte> => CqlType.Of(CqlTypeCode.Blob),
        BigInteger => CqlType.Of(CqlTypeCode.Varint),
        IPAddress => CqlType.Of(CqlTypeCode.Inet),
        _ => throw new ArgumentException(
            $"Cannot infer a CQL type for a value of .NET type {value.GetType().Name}; prepare the statement so its column types are known."),
    };

    public static object? Deserialize(CqlType type, byte[]? bytes)
    {
        if (bytes is null)
        {
            return null;
        }

        if (bytes.Length == 0 && type.Code is not (CqlTypeCode.Ascii or CqlTypeCode.Varchar or CqlTypeCode.Blob or CqlTypeCode.Custom))
        {
            // Spec section 6: an empty value is not null. Text and blob read it as "" and an empty array; other types have no such value.
            throw new InvalidDataException($"it holds an empty value (0 bytes, not null), which has no {type} meaning");
        }

        var span = bytes.AsSpan();
        return type.Code switch
        {
            CqlTypeCode.Ascii or CqlTypeCode.Varchar => Encoding.UTF8.GetString(span),
            CqlTypeCode.Blob or CqlTypeCode.Custom => bytes,
            CqlTypeCode.Bigint or CqlTypeCode.Counter => BinaryPrimitives.ReadInt64BigEndian(Exactly(span, 8, type)),
            CqlTypeCode.Int => BinaryPrimitives.ReadInt32BigEndian(Exactly(span, 4, type)),
            CqlTypeCode.Smallint => BinaryPrimitives.ReadInt16BigEndian(Exactly(span, 2, type)),
            CqlTypeCode.Tinyint => (sbyte)Exactly(span, 1, type)[0],
            CqlTypeCode.Boolean => Exactly(span, 1, type)[0] != 0,
            CqlTypeCode.Double => BinaryPrimitives.ReadDoubleBigEndian(Exactly(span, 8, type)),
            CqlTypeCode.Float => BinaryPrimitives.ReadSingleBigEndian(Exactly(span, 4, type)),
            CqlTypeCode.Decimal => DecodeDecimal(span),
            CqlTypeCode.Varint => new BigInteger(span, isUnsigned: false, isBigEndian: true),
            CqlTypeCode.Timestamp => DateTimeOffset.UnixEpoch.AddMilliseconds(BinaryPrimitives.ReadInt64BigEndian(Exactly(span, 8, type))),
            CqlTypeCode.Date => DecodeDate(BinaryPrimitives.ReadUInt32BigEndian(Exactly(span, 4, type))),
            CqlTypeCode.Time => TimeOnly.FromTimeSpan(TimeSpan.FromTicks(BinaryPrimitives.ReadInt64BigEndian(Exactly(span, 8, type)) / 100)),
            CqlTypeCode.Uuid or CqlTypeCode.Timeuuid => new Guid(Exactly(span, 16, type), bigEndian: true),
            CqlTypeCode.Inet => new IPAddress(span),
            CqlTypeCode.List or CqlTypeCode.Set => DecodeCollection(type.Elements[0], bytes),
            CqlTypeCode.Map => DecodeMap(type.Elements[0], type.Elements[1], bytes),
            _ => throw new NotSupportedException($"CQL type {type} is not supported by this client."),
        };
    }

    /// <summary>Converts a decoded value to the type a caller asks for (<c>Get&lt;DateTime&gt;</c> of a timestamp, <c>Get&lt;long&gt;</c> of an int, ...).</summary>
    public static T ConvertTo<T>(object? value, string column)
    {
        if (value is null)
        {
            if (default(T) is null)
            {
                return default!;
            }

            throw new InvalidCastException($"Column '{column}' is null and cannot be read as non-nullable {typeof(T).Name}.");
        }

        if (value is T typed)
        {
            return typed;
        }

        var target = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
        object? converted = (value, target) switch
        {
            (DateTimeOffset instant, _) when target == typeof(DateTime) => instant.UtcDateTime,
            (DateOnly date, _) when target == typeof(DateTime) => date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc),
            (BigInteger big, _) when target == typeof(long) => (long)big,
            (BigInteger big, _) when target == typeof(decimal) => (decimal)big,
            (IConvertible convertible, _) when target.IsPrimitive || target == typeof(decimal) =>
                convertible.ToType(target, CultureInfo.InvariantCulture),
            _ => throw new InvalidCastException(
                $"Column '{column}' holds a {value.GetType().Name} and cannot be read as {typeof(T).Name}."),
        };
        return (T)converted!;
    }

    public static byte[] EncodeDecimal(decimal value)
    {
        var bits = decimal.GetBits(value);
        var scale = (bits[3] >> 16) & 0xFF;
        var unscaled = (new BigInteger((uint)bits[2]) << 64) | (new BigInteger((uint)bits[1]) << 32) | new BigInteger((uint)bits[0]);
        if (bits[3] < 0)
        {
            unscaled = -unscaled;
        }

        var magnitude = unscaled.ToByteArray(isUnsigned: false, isBigEndian: true);
        var bytes = new byte[4 + magnitude.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, scale);
        magnitude.CopyTo(bytes, 4);
        return bytes;
    }

    public static decimal DecodeDecimal(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 5)
        {
            throw new InvalidDataException($"A decimal needs a 4-byte scale and at least one byte of unscaled value; got {bytes.Length} bytes.");
        }

        var scale = BinaryPrimitives.ReadInt32BigEndian(bytes);
        var unscaled = new BigInteger(bytes[4..], isUnsigned: false, isBigEndian: true);
        if (scale < 0)
        {
            unscaled *= BigInteger.Pow(10, -scale);
            scale = 0;
        }

        while (scale > 28 && unscaled % 10 == 0)
        {
            unscaled /= 10;
            scale--;
        }

        var magnitude = BigInteger.Abs(unscaled);
        if (scale > 28 || magnitude.GetBitLength() > 96)
        {
            throw new OverflowException($"The CQL decimal {unscaled}E-{scale} does not fit System.Decimal (at most 28 digits of scale and 96 bits).");
        }

        var lo = (int)(uint)(magnitude & uint.MaxValue);
        var mid = (int)(uint)((magnitude >> 32) & uint.MaxValue);
        var hi = (int)(uint)((magnitude >> 64) & uint.MaxValue);
        return new decimal(lo, mid, hi, unscaled.Sign < 0, (byte)scale);
    }

    /// <summary>Days with the epoch centred at 2^31 (spec section 6.5).</summary>
    public static uint EncodeDate(DateOnly date) => (uint)((long)date.DayNumber - DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber + (1L << 31));

    public static DateOnly DecodeDate(uint days)
    {
        var dayNumber = (long)days - (1L << 31) + DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber;
        if (dayNumber < DateOnly.MinValue.DayNumber || dayNumber > DateOnly.MaxValue.DayNumber)
        {
            throw new OverflowException($"The CQL date {days} ({(long)days - (1L << 31)} days from 1970-01-01) is outside the range of DateOnly.");
        }

        return DateOnly.FromDayNumber((int)dayNumber);
    }

    public static long ToUnixMilliseconds(object value) => value switch
    {
        DateTimeOffset instant => instant.ToUnixTimeMilliseconds(),
        DateTime { Kind: DateTimeKind.Local } local => new DateTimeOffset(local).ToUnixTimeMilliseconds(),
        DateTime utc => new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)).ToUnixTimeMilliseconds(),
        _ => ToInt64(value, CqlType.Of(CqlTypeCode.Timestamp)),
    };

    private static byte[] SerializeNonNull(CqlType type, object value)
    {
        switch (type.Code)
        {
            case CqlTypeCode.Varchar:
                return Encoding.UTF8.GetBytes(AsString(value, type));
            case CqlTypeCode.Ascii:
                var text = AsString(value, type);
                if (!Ascii.IsValid(text))
                {
                    throw new ArgumentException($"The value for an ascii column contains non-ASCII characters: '{text}'.");
                }

                return Encoding.ASCII.GetBytes(text);
            case CqlTypeCode.Blob or CqlTypeCode.Custom:
                return value switch
                {
                    byte[] bytes => bytes,
                    ReadOnlyMemory<byte> memory => memory.ToArray(),
                    _ => throw Mismatch(value, type),
                };
            case CqlTypeCode.Bigint or CqlTypeCode.Counter:
                return Fixed(8, span => BinaryPrimitives.WriteInt64BigEndian(span, ToInt64(value, type)));
            case CqlTypeCode.Int:
                return Fixed(4, span => BinaryPrimitives.WriteInt32BigEndian(span, checked((int)ToInt64(value, type))));
            case CqlTypeCode.Smallint:
                return Fixed(2, span => BinaryPrimitives.WriteInt16BigEndian(span, checked((short)ToInt64(value, type))));
            case CqlTypeCode.Tinyint:
                return [(byte)checked((sbyte)ToInt64(value, type))];
            case CqlTypeCode.Boolean:
                return value is bool flag ? [flag ? (byte)1 : (byte)0] : throw Mismatch(value, type);
            case CqlTypeCode.Double:
                var number = value is double or float or int or long or decimal ? Convert.ToDouble(value, CultureInfo.InvariantCulture) : throw Mismatch(value, type);
                return Fixed(8, span => BinaryPrimitives.WriteDoubleBigEndian(span, number));
            case CqlTypeCode.Float:
                var single = value is float or double or int ? Convert.ToSingle(value, CultureInfo.InvariantCulture) : throw Mismatch(value, type);
                return Fixed(4, span => BinaryPrimitives.WriteSingleBigEndian(span, single));
            case CqlTypeCode.Decimal:
                return EncodeDecimal(value switch
                {
                    decimal exact => exact,
                    int or long or double => Convert.ToDecimal(value, CultureInfo.InvariantCulture),
                    _ => throw Mismatch(value, type),
                });
            case CqlTypeCode.Varint:
                var integer = value switch
                {
                    BigInteger big => big,
                    int or long or short or sbyte or byte => new BigInteger(Convert.ToInt64(value, CultureInfo.InvariantCulture)),
                    _ => throw Mismatch(value, type),
                };
                return integer.ToByteArray(isUnsigned: false, isBigEndian: true);
            case CqlTypeCode.Timestamp:
                var milliseconds = value is DateTimeOffset or DateTime or long ? ToUnixMilliseconds(value) : throw Mismatch(value, type);
                return Fixed(8, span => BinaryPrimitives.WriteInt64BigEndian(span, milliseconds));
            case CqlTypeCode.Date:
                var date = value switch
                {
                    DateOnly day => day,
                    DateTime dateTime => DateOnly.FromDateTime(dateTime),
                    _ => throw Mismatch(value, type),
                };
                return Fixed(4, span => BinaryPrimitives.WriteUInt32BigEndian(span, EncodeDate(date)));
            case CqlTypeCode.Time:
                var nanoseconds = value switch
                {
                    TimeOnly time => time.Ticks * 100,
                    TimeSpan span => span.Ticks * 100,
                    long raw => raw,
                    _ => throw Mismatch(value, type),
                };
                return Fixed(8, span => BinaryPrimitives.WriteInt64BigEndian(span, nanoseconds));
            case CqlTypeCode.Uuid or CqlTypeCode.Timeuuid:
                var guid = value switch
                {
                    Guid id => id,
                    string textual when Guid.TryParse(textual, out var parsed) => parsed,
                    _ => throw Mismatch(value, type),
                };
                return guid.ToByteArray(bigEndian: true);
            case CqlTypeCode.Inet:
                return value is IPAddress address ? address.GetAddressBytes() : throw Mismatch(value, type);
            case CqlTypeCode.List or CqlTypeCode.Set:
                return value is IEnumerable items and not string ? EncodeCollection(type.Elements[0], items.Cast<object?>()) : throw Mismatch(value, type);
            case CqlTypeCode.Map:
                return value is IDictionary map ? EncodeMap(type.Elements[0], type.Elements[1], map) : throw Mismatch(value, type);
            default:
                throw new NotSupportedException($"CQL type {type} is not supported by this client.");
        }
    }

    private static long ToInt64(object value, CqlType type) => value switch
    {
        long l => l,
        int i => i,
        short s => s,
        sbyte b => b,
        byte b => b,
        _ => throw Mismatch(value, type),
    };

    private static string AsString(object value, CqlType type) => value as string ?? throw Mismatch(value, type);

    private static ArgumentException Mismatch(object value, CqlType type) =>
        new($"A value of .NET type {value.GetType().Name} ('{value}') cannot be written to a CQL {type} column.");

    private static byte[] Fixed(int length, SpanAction write)
    {
        var bytes = new byte[length];
        write(bytes);
        return bytes;
    }

    private static ReadOnlySpan<byte> Exactly(ReadOnlySpan<byte> bytes, int length, CqlType type) =>
        bytes.Length == length
            ? bytes
            : throw new InvalidDataException($"A CQL {type} value must be {length} bytes; got {bytes.Length}.");

    private static byte[] EncodeCollection(CqlType elementType, IEnumerable<object?> items)
    {
        var writer = new CqlWriter();
        var list = items.ToList();
        writer.WriteInt(list.Count);
        foreach (var item in list)
        {
            writer.WriteValue(Serialize(elementType, item));
        }

        return writer.ToArray();
    }

    private static byte[] EncodeMap(CqlType keyType, CqlType valueType, IDictionary map)
    {
        var writer = new CqlWriter();
        writer.WriteInt(map.Count);
        foreach (DictionaryEntry entry in map)
        {
            writer.WriteValue(Serialize(keyType, entry.Key));
            writer.WriteValue(Serialize(valueType, entry.Value));
        }

        return writer.ToArray();
    }

    private static List<object?> DecodeCollection(CqlType elementType, byte[] bytes)
    {
        var reader = new CqlReader(bytes);
        var count = reader.ReadCount("collection element");
        var items = new List<object?>(CqlReader.Capacity(count));
        for (var i = 0; i < count; i++)
        {
            items.Add(Deserialize(elementType, reader.ReadBytes()));
        }

        return items;
    }

    private static Dictionary<object, object?> DecodeMap(CqlType keyType, CqlType valueType, byte[] bytes)
    {
        var reader = new CqlReader(bytes);
        var count = reader.ReadCount("map entry");
        var map = new Dictionary<object, object?>(CqlReader.Capacity(count));
        for (var i = 0; i < count; i++)
        {
            var key = Deserialize(keyType, reader.ReadBytes()) ?? throw new InvalidDataException("A map key is null.");
            map[key] = Deserialize(valueType, reader.ReadBytes());
        }

        return map;
    }

    private delegate void SpanAction(Span<byte> span);
}
