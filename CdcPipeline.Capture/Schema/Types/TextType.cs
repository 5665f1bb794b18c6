using CdcPipeline.Capture.Json;

namespace CdcPipeline.Capture.Schema.Types;

/// <summary><c>text</c>, <c>varchar(n)</c>, <c>char(n)</c> → plain string (no parameters without column.propagate.source.type).</summary>
internal sealed class TextType : ColumnType
{
    public static readonly TextType Instance = new();

    public override string ConnectType => "string";

    public override string? GeneratedDefaultPlaceholder => string.Empty;

    public override void WriteValue(JsonBuffer json, ReadOnlySpan<byte> binary) => json.WriteString(binary);

    public override bool TryWriteLiteral(JsonBuffer json, string literal)
    {
        json.WriteString(literal);
        return true;
    }
}
