using System.Globalization;
using CdcPipeline.Capture.Json;

namespace CdcPipeline.Capture.Schema.Types;

/// <summary>
/// <c>timestamp(p)</c> (without time zone), time.precision.mode=adaptive: p ≤ 3 → int64 <c>io.debezium.time.Timestamp</c>
/// (milliseconds since the epoch), otherwise int64 <c>io.debezium.time.MicroTimestamp</c> (microseconds), the local
/// date-time read as if it were UTC.
/// </summary>
internal sealed class LocalTimestampType : ColumnType
{
    public static readonly LocalTimestampType Millis = new(millis: true);
    public static readonly LocalTimestampType Micros = new(millis: false);

    private readonly bool _millis;

    private LocalTimestampType(bool millis) => _millis = millis;

    public override string ConnectType => "int64";

    public override string? LogicalName => _millis ? "io.debezium.time.Timestamp" : "io.debezium.time.MicroTimestamp";

    public override int? LogicalVersion => 1;

    public override string? GeneratedDefaultPlaceholder => "1970-01-01";

    public override void WriteValue(JsonBuffer json, ReadOnlySpan<byte> binary)
    {
        var micros = BinaryFormat.Int64(binary);
        if (micros is long.MaxValue or long.MinValue)
        {
            throw new FormatException("the timestamp is infinity, which the capture does not map");
        }

        Write(json, micros + BinaryFormat.PostgresEpochMicros);
    }

    public override bool TryWriteLiteral(JsonBuffer json, string literal)
    {
        if (!DateTime.TryParse(literal.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value))
        {
            return false;
        }

        Write(json, (value.Ticks - DateTime.UnixEpoch.Ticks) / 10);
        return true;
    }

    private void Write(JsonBuffer json, long epochMicros) =>
        json.WriteInt64(_millis ? CivilTime.FloorDiv(epochMicros, 1000) : epochMicros);
}
