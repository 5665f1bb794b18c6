using CdcPipeline.Capture.Json;

namespace CdcPipeline.Capture.Schema.Types;

/// <summary><c>bytea</c> → bytes (binary.handling.mode=bytes), Base64 in JSON; Debezium parses no bytea defaults.</summary>
internal sealed class BytesType : ColumnType
{
    public static readonly BytesType Instance = new();

    public override string ConnectType => "bytes";

    public override string? GeneratedDefaultPlaceholder => null;

    public override void WriteValue(JsonBuffer json, ReadOnlySpan<byte> binary) => json.WriteBase64String(binary);

    public override bool TryWriteLiteral(JsonBuffer json, string literal) => false;
}
