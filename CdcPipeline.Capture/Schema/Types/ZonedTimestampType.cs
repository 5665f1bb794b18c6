using System.Globalization;
using CdcPipeline.Capture.Json;

namespace CdcPipeline.Capture.Schema.Types;

/// <summary>
/// <c>timestamptz(p)</c> → string <c>io.debezium.time.ZonedTimestamp</c>: the instant in UTC, <c>Z</c>, with exactly
/// p fraction digits (6 for a plain <c>timestamptz</c>), trailing zeros kept; <c>infinity</c> / <c>-infinity</c> as
/// those words.
/// </summary>
/// <remarks>
/// Debezium formats with <c>appendFraction(NANO_OF_SECOND, p, p, true)</c> where p is the column's scale, which is 6
/// when the column has no precision (pgjdbc's default scale). A scale of 0 falls back to <c>ISO_OFFSET_DATE_TIME</c>,
/// whose fraction is trimmed: a <c>timestamptz(0)</c> value has none.
/// </remarks>
internal sealed class ZonedTimestampType : ColumnType
{
    private readonly int _fractionDigits;

    public ZonedTimestampType(int fractionDigits) => _fractionDigits = fractionDigits;

    public override string ConnectType => "string";

    public override string? LogicalName => "io.debezium.time.ZonedTimestamp";

    public override int? LogicalVersion => 1;

    public override string? GeneratedDefaultPlaceholder => "1970-01-01";

    public override void WriteValue(JsonBuffer json, ReadOnlySpan<byte> binary)
    {
        var micros = BinaryFormat.Int64(binary);
        switch (micros)
        {
            case long.MaxValue:
                json.WriteRaw("\"infinity\""u8);
                return;
            case long.MinValue:
                json.WriteRaw("\"-infinity\""u8);
                return;
        }

        WriteInstant(json, micros + BinaryFormat.PostgresEpochMicros);
    }

    /// <summary>Writes microseconds since 1970-01-01 UTC as the ZonedTimestamp string.</summary>
    public void WriteInstant(JsonBuffer json, long epochMicros)
    {
        var days = CivilTime.FloorDiv(epochMicros, CivilTime.MicrosPerDay);
        var ofDay = epochMicros - (days * CivilTime.MicrosPerDay);
        var seconds = (int)(ofDay / CivilTime.MicrosPerSecond);
        var fraction = (int)(ofDay % CivilTime.MicrosPerSecond);

        json.WriteByte((byte)'"');
        CivilTime.WriteIsoDate(json, days);
        json.WriteByte((byte)'T');
        CivilTime.WriteTwoDigits(json, seconds / 3600);
        json.WriteByte((byte)':');
        CivilTime.WriteTwoDigits(json, seconds / 60 % 60);
        json.WriteByte((byte)':');
        CivilTime.WriteTwoDigits(json, seconds % 60);
        WriteFraction(json, fraction);
        json.WriteRaw("Z\""u8);
    }

    private void WriteFraction(JsonBuffer json, int micros)
    {
        Span<byte> nanos = stackalloc byte[9];
        var value = micros * 1000;
        for (var i = 8; i >= 0; i--)
        {
            nanos[i] = (byte)('0' + (value % 10));
            value /= 10;
        }

        var digits = _fractionDigits;
        if (digits is <= 0 or > 9)
        {
            digits = 9;
            while (digits > 0 && nanos[digits - 1] == '0')
            {
                digits--;
            }
        }

        if (digits == 0)
        {
            return;
        }

        json.WriteByte((byte)'.');
        json.WriteRaw(nanos[..digits]);
    }

    /// <summary>pgjdbc's <c>toOffsetDateTime</c> of PostgreSQL's text form; a value without an offset is UTC.</summary>
    public override bool TryWriteLiteral(JsonBuffer json, string literal)
    {
        var text = literal.Trim();
        if (text is "infinity" or "-infinity")
        {
            json.WriteString(text);
            return true;
        }

        // PostgreSQL writes offsets as +hh, +hh:mm or +hh:mm:ss after the time; .NET wants +hh:mm.
        var hasTime = text.Contains(' ', StringComparison.Ordinal) || text.Contains('T', StringComparison.Ordinal);
        if (hasTime && text.Length > 3 && text[^3] is '+' or '-' && char.IsAsciiDigit(text[^2]) && char.IsAsciiDigit(text[^1]))
        {
            text += ":00";
        }

        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value))
        {
            return false;
        }

        WriteInstant(json, (value.UtcTicks - DateTime.UnixEpoch.Ticks) / 10);
        return true;
    }
}
