using CdcPipeline.Capture.Json;

namespace CdcPipeline.Capture.Schema.Types;

/// <summary><c>boolean</c> → boolean.</summary>
internal sealed class BooleanType : ColumnType
{
    public static readonly BooleanType Instance = new();

    public override string ConnectType => "boolean";

    public override string? GeneratedDefaultPlaceholder => "false";

    public override void WriteValue(JsonBuffer json, ReadOnlySpan<byte> binary) =>
        json.WriteBoolean(BinaryFormat.Exactly(binary, 1)[0] != 0);

    /// <summary>Java's <c>Boolean.parseBoolean</c>: true only for "true" in any case, false for anything else.</summary>
    public override bool TryWriteLiteral(JsonBuffer json, string literal)
    {
        json.WriteBoolean(string.Equals(literal.Trim(), "true", StringComparison.OrdinalIgnoreCase));
        return true;
    }
}
