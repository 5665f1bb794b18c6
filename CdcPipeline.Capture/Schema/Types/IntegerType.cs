using System.Globalization;
using CdcPipeline.Capture.Json;

namespace CdcPipeline.Capture.Schema.Types;

/// <summary><c>smallint</c> → int16, <c>integer</c> → int32, <c>bigint</c> → int64.</summary>
internal sealed class IntegerType : ColumnType
{
    public static readonly IntegerType Int16 = new("int16", 2);
    public static readonly IntegerType Int32 = new("int32", 4);
    public static readonly IntegerType Int64 = new("int64", 8);

    private readonly int _width;

    private IntegerType(string connectType, int width) => (ConnectType, _width) = (connectType, width);

    public override string ConnectType { get; }

    public override string? GeneratedDefaultPlaceholder => "0";

    public override void WriteValue(JsonBuffer json, ReadOnlySpan<byte> binary) => json.WriteInt64(_width switch
    {
        2 => BinaryFormat.Int16(binary),
        4 => BinaryFormat.Int32(binary),
        _ => BinaryFormat.Int64(binary),
    });

    /// <summary>Java's <c>Short/Integer/Long.parseLong</c>: a plain optionally signed decimal in the type's range.</summary>
    public override bool TryWriteLiteral(JsonBuffer json, string literal)
    {
        if (!long.TryParse(literal.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            return false;
        }

        var fits = _width switch
        {
            2 => value is >= short.MinValue and <= short.MaxValue,
            4 => value is >= int.MinValue and <= int.MaxValue,
            _ => true,
        };
        if (fits)
        {
            json.WriteInt64(value);
        }

        return fits;
    }
}
