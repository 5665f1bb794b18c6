using CdcPipeline.Capture.Json;

namespace CdcPipeline.Capture.Schema.Types;

/// <summary><c>uuid</c> → string <c>io.debezium.data.Uuid</c>, lower-case canonical text.</summary>
internal sealed class UuidType : ColumnType
{
    public static readonly UuidType Instance = new();

    private static readonly byte[] Hex = "0123456789abcdef"u8.ToArray();

    public override string ConnectType => "string";

    public override string? LogicalName => "io.debezium.data.Uuid";

    public override int? LogicalVersion => 1;

    public override string? GeneratedDefaultPlaceholder => "00000000-0000-0000-0000-000000000000";

    public override void WriteValue(JsonBuffer json, ReadOnlySpan<byte> binary)
    {
        var bytes = BinaryFormat.Exactly(binary, 16);
        var text = json.GetSpan(38);
        text[0] = (byte)'"';
        var at = 1;
        for (var i = 0; i < 16; i++)
        {
            if (i is 4 or 6 or 8 or 10)
            {
                text[at++] = (byte)'-';
            }

            text[at++] = Hex[bytes[i] >> 4];
            text[at++] = Hex[bytes[i] & 0xF];
        }

        text[at++] = (byte)'"';
        json.Advance(at);
    }

    public override bool TryWriteLiteral(JsonBuffer json, string literal)
    {
        if (!Guid.TryParse(literal.Trim(), out var guid))
        {
            return false;
        }

        json.WriteString(guid.ToString("D"));
        return true;
    }
}
