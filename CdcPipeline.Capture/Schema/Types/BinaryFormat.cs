using System.Buffers.Binary;

namespace CdcPipeline.Capture.Schema.Types;

/// <summary>Reads PostgreSQL's binary wire format (network byte order, fixed widths).</summary>
internal static class BinaryFormat
{
    /// <summary>Days from 1970-01-01 to PostgreSQL's epoch 2000-01-01.</summary>
    public const int PostgresEpochDays = 10_957;

    /// <summary>Microseconds from 1970-01-01 to PostgreSQL's epoch 2000-01-01.</summary>
    public const long PostgresEpochMicros = 946_684_800_000_000L;

    public static short Int16(ReadOnlySpan<byte> value) => BinaryPrimitives.ReadInt16BigEndian(Exactly(value, 2));

    public static int Int32(ReadOnlySpan<byte> value) => BinaryPrimitives.ReadInt32BigEndian(Exactly(value, 4));

    public static long Int64(ReadOnlySpan<byte> value) => BinaryPrimitives.ReadInt64BigEndian(Exactly(value, 8));

    public static ReadOnlySpan<byte> Exactly(ReadOnlySpan<byte> value, int length) =>
        value.Length == length
            ? value
            : throw new FormatException($"a binary value of {value.Length} bytes where {length} were expected");
}
