using CdcPipeline.Capture.Json;

namespace CdcPipeline.Capture.Schema.Types;

/// <summary><c>json</c> / <c>jsonb</c> → string <c>io.debezium.data.Json</c> holding the document's text.</summary>
internal sealed class JsonType : ColumnType
{
    public static readonly JsonType Json = new(binaryVersionPrefix: false);
    public static readonly JsonType Jsonb = new(binaryVersionPrefix: true);

    private readonly bool _binaryVersionPrefix;

    private JsonType(bool binaryVersionPrefix) => _binaryVersionPrefix = binaryVersionPrefix;

    public override string ConnectType => "string";

    public override string? LogicalName => "io.debezium.data.Json";

    public override int? LogicalVersion => 1;

    public override string? GeneratedDefaultPlaceholder => "{}";

    /// <summary>jsonb's binary form is a version byte (1) and the document's text.</summary>
    public override void WriteValue(JsonBuffer json, ReadOnlySpan<byte> binary)
    {
        if (_binaryVersionPrefix)
        {
            if (binary.IsEmpty || binary[0] != 1)
            {
                throw new FormatException("a jsonb value of an unknown binary version");
            }

            binary = binary[1..];
        }

        json.WriteString(binary);
    }

    public override bool TryWriteLiteral(JsonBuffer json, string literal)
    {
        json.WriteString(literal);
        return true;
    }
}
