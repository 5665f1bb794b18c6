using System.Globalization;
using CdcPipeline.Capture.Json;

namespace CdcPipeline.Capture.Schema.Types;

/// <summary><c>date</c> → int32 <c>io.debezium.time.Date</c>: days since 1970-01-01.</summary>
internal sealed class DateType : ColumnType
{
    public static readonly DateType Instance = new();

    public override string ConnectType => "int32";

    public override string? LogicalName => "io.debezium.time.Date";

    public override int? LogicalVersion => 1;

    public override string? GeneratedDefaultPlaceholder => "1970-01-01";

    public override void WriteValue(JsonBuffer json, ReadOnlySpan<byte> binary)
    {
        var days = BinaryFormat.Int32(binary);
        if (days is int.MaxValue or int.MinValue)
        {
            throw new FormatException("the date is infinity, which the capture does not map");
        }

        json.WriteInt64((long)days + BinaryFormat.PostgresEpochDays);
    }

    public override bool TryWriteLiteral(JsonBuffer json, string literal)
    {
        if (!DateOnly.TryParseExact(literal.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return false;
        }

        json.WriteInt64(date.DayNumber - DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber);
        return true;
    }
}
