using System.Globalization;
using System.Numerics;
using CdcPipeline.Capture.Json;

namespace CdcPipeline.Capture.Schema.Types;

/// <summary>
/// <c>numeric(p,s)</c> with decimal.handling.mode=precise → bytes <c>org.apache.kafka.connect.data.Decimal</c> with
/// parameters <c>scale</c> then <c>connect.decimal.precision</c>; the value is the unscaled integer at the column's
/// scale, minimal two's complement, Base64.
/// </summary>
internal sealed class DecimalType : ColumnType
{
    private readonly int _scale;
    private readonly KeyValuePair<string, string>[] _parameters;

    public DecimalType(int precision, int scale)
    {
        _scale = scale;
        _parameters =
        [
            new("scale", scale.ToString(CultureInfo.InvariantCulture)),
            new("connect.decimal.precision", precision.ToString(CultureInfo.InvariantCulture)),
        ];
    }

    public override string ConnectType => "bytes";

    public override string? LogicalName => "org.apache.kafka.connect.data.Decimal";

    public override int? LogicalVersion => 1;

    public override IReadOnlyList<KeyValuePair<string, string>>? Parameters => _parameters;

    public override string? GeneratedDefaultPlaceholder => "0.0";

    public override void WriteValue(JsonBuffer json, ReadOnlySpan<byte> binary)
    {
        Span<byte> scratch = stackalloc byte[32];
        var count = PostgresNumeric.WriteUnscaled(binary, _scale, scratch, out var large);
        json.WriteBase64String(large ?? scratch[..count]);
    }

    /// <summary>Java's <c>new BigDecimal(text)</c>, scaled up to the column's scale; a longer fraction gives no default.</summary>
    public override bool TryWriteLiteral(JsonBuffer json, string literal)
    {
        var text = literal.Trim();
        var negative = text.StartsWith('-');
        text = text.TrimStart('+', '-');
        var point = text.IndexOf('.', StringComparison.Ordinal);
        var whole = point < 0 ? text : text[..point];
        var fraction = point < 0 ? string.Empty : text[(point + 1)..];
        if (fraction.Length > _scale || (whole.Length == 0 && fraction.Length == 0)
            || !(whole + fraction).All(char.IsAsciiDigit))
        {
            return false;
        }

        var unscaled = BigInteger.Parse(whole + fraction.PadRight(_scale, '0'), NumberStyles.None, CultureInfo.InvariantCulture);
        json.WriteBase64String((negative ? -unscaled : unscaled).ToByteArray(isUnsigned: false, isBigEndian: true));
        return true;
    }
}
