using System.Buffers.Binary;
using System.Numerics;

namespace CdcPipeline.Capture.Schema.Types;

/// <summary>
/// PostgreSQL's binary <c>numeric</c> (base-10000 digits with a weight, a sign and a display scale) as the unscaled
/// integer at a given scale — the value Kafka Connect's Decimal carries — and that integer as Java's
/// <c>BigInteger.toByteArray()</c>: big-endian two's complement in as few bytes as possible.
/// </summary>
internal static class PostgresNumeric
{
    private const ushort Negative = 0x4000;
    private const ushort NaN = 0xC000;
    private const ushort PositiveInfinity = 0xD000;
    private const ushort NegativeInfinity = 0xF000;

    private static readonly long[] PowersOf10 =
    [
        1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000, 10_000_000_000,
        100_000_000_000, 1_000_000_000_000, 10_000_000_000_000, 100_000_000_000_000, 1_000_000_000_000_000,
        10_000_000_000_000_000, 100_000_000_000_000_000, 1_000_000_000_000_000_000,
    ];

    /// <summary>Writes the minimal two's complement of the value at <paramref name="scale"/>; returns the byte count.</summary>
    public static int WriteUnscaled(ReadOnlySpan<byte> binary, int scale, Span<byte> destination, out byte[]? large)
    {
        large = null;
        if (TryUnscaledInt64(binary, scale, out var small))
        {
            return WriteMinimal(small, destination);
        }

        var big = UnscaledBig(binary, scale);
        var count = big.GetByteCount();
        if (count <= destination.Length)
        {
            big.TryWriteBytes(destination, out var written, isUnsigned: false, isBigEndian: true);
            return written;
        }

        large = big.ToByteArray(isUnsigned: false, isBigEndian: true);
        return large.Length;
    }

    /// <summary>The minimal big-endian two's complement of <paramref name="value"/> (0 → 00, 128 → 00 80, -1 → ff).</summary>
    public static int WriteMinimal(long value, Span<byte> destination)
    {
        var count = 1;
        while (count < 8 && (value < -(1L << ((8 * count) - 1)) || value >= (1L << ((8 * count) - 1))))
        {
            count++;
        }

        for (var i = count - 1; i >= 0; i--)
        {
            destination[i] = (byte)value;
            value >>= 8;
        }

        return count;
    }

    private static bool TryUnscaledInt64(ReadOnlySpan<byte> binary, int scale, out long unscaled)
    {
        var digits = Header(binary, out var weight, out var negative);
        unscaled = 0;
        try
        {
            for (var i = 0; i < digits.Length; i += 2)
            {
                long digit = BinaryPrimitives.ReadInt16BigEndian(digits[i..]);
                var exponent = (4 * (weight - (i / 2))) + scale;
                if (exponent >= 0)
                {
                    if (exponent >= PowersOf10.Length)
                    {
                        if (digit != 0)
                        {
                            return false;
                        }

                        continue;
                    }

                    unscaled = checked(unscaled + checked(digit * PowersOf10[exponent]));
                }
                else
                {
                    unscaled = checked(unscaled + DivideExactly(digit, -exponent));
                }
            }
        }
        catch (OverflowException)
        {
            return false;
        }

        unscaled = negative ? -unscaled : unscaled;
        return true;
    }

    private static BigInteger UnscaledBig(ReadOnlySpan<byte> binary, int scale)
    {
        var digits = Header(binary, out var weight, out var negative);
        var unscaled = BigInteger.Zero;
        for (var i = 0; i < digits.Length; i += 2)
        {
            long digit = BinaryPrimitives.ReadInt16BigEndian(digits[i..]);
            var exponent = (4 * (weight - (i / 2))) + scale;
            unscaled += exponent >= 0 ? digit * BigInteger.Pow(10, exponent) : DivideExactly(digit, -exponent);
        }

        return negative ? -unscaled : unscaled;
    }

    private static long DivideExactly(long digit, int exponent)
    {
        var divisor = exponent < PowersOf10.Length ? PowersOf10[exponent] : long.MaxValue;
        if (digit % divisor != 0)
        {
            throw new FormatException("a numeric value with more fraction digits than the column's scale");
        }

        return digit / divisor;
    }

    private static ReadOnlySpan<byte> Header(ReadOnlySpan<byte> binary, out int weight, out bool negative)
    {
        if (binary.Length < 8)
        {
            throw new FormatException($"a binary numeric of {binary.Length} bytes");
        }

        var count = BinaryPrimitives.ReadInt16BigEndian(binary);
        weight = BinaryPrimitives.ReadInt16BigEndian(binary[2..]);
        var sign = BinaryPrimitives.ReadUInt16BigEndian(binary[4..]);
        switch (sign)
        {
            case NaN:
                throw new FormatException("the numeric is NaN, which a Connect Decimal cannot hold");
            case PositiveInfinity or NegativeInfinity:
                throw new FormatException("the numeric is infinite, which a Connect Decimal cannot hold");
        }

        if (binary.Length != 8 + (2 * count))
        {
            throw new FormatException($"a binary numeric of {binary.Length} bytes with {count} digits");
        }

        negative = sign == Negative;
        return binary[8..];
    }
}
