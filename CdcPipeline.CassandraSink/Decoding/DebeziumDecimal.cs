using System.Globalization;
using System.Numerics;

namespace CdcPipeline.CassandraSink.Decoding;

/// <summary>Debezium's decimal encodings turned into <see cref="decimal"/>, keeping the column's scale.</summary>
internal static class DebeziumDecimal
{
    private static readonly BigInteger MaxUnscaled = (BigInteger.One << 96) - 1;

    /// <summary>
    /// <c>org.apache.kafka.connect.data.Decimal</c>: base64 of the unscaled value, big-endian two's complement;
    /// the value is unscaled × 10^-scale.
    /// </summary>
    public static decimal FromBase64(string base64, int scale)
    {
        if (scale is < 0 or > 28)
        {
            throw new FormatException($"scale {scale} is outside 0..28");
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            throw new FormatException($"'{base64}' is not base64");
        }

        if (bytes.Length == 0)
        {
            throw new FormatException("the unscaled value has no bytes");
        }

        var unscaled = new BigInteger(bytes, isUnsigned: false, isBigEndian: true);
        var magnitude = BigInteger.Abs(unscaled);
        if (magnitude > MaxUnscaled)
        {
            throw new FormatException($"the unscaled value {unscaled} does not fit a .NET decimal");
        }

        Span<byte> words = stackalloc byte[12];
        words.Clear();
        magnitude.TryWriteBytes(words, out _, isUnsigned: true, isBigEndian: false);
        return new decimal(
            BitConverter.ToInt32(words[..4]),
            BitConverter.ToInt32(words[4..8]),
            BitConverter.ToInt32(words[8..12]),
            unscaled.Sign < 0,
            (byte)scale);
    }

    /// <summary>The <c>string</c> and <c>double</c> modes: decimal text such as <c>-12.5</c> or <c>1.2E3</c>.</summary>
    public static decimal FromText(string text)
    {
        if (!decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            throw new FormatException($"'{text}' is not a decimal number");
        }

        return value;
    }

    /// <summary>Rounds a value that arrived as a double to the column's scale (<c>double</c> mode carries binary noise).</summary>
    public static decimal ToScale(decimal value, int? scale) =>
        scale is { } s ? decimal.Round(value, s, MidpointRounding.AwayFromZero) : value;
}
