using System.Globalization;
using CdcPipeline.Capture.Json;

namespace CdcPipeline.Capture.Schema.Types;

/// <summary>
/// Proleptic Gregorian calendar arithmetic over the whole range PostgreSQL stores (4713 BC to 294276 AD), which
/// <see cref="DateTime"/> cannot hold, and ISO-8601 dates as java.time's <c>ISO_LOCAL_DATE</c> prints them.
/// </summary>
internal static class CivilTime
{
    public const long MicrosPerSecond = 1_000_000;
    public const long MicrosPerDay = 86_400 * MicrosPerSecond;

    /// <summary>Howard Hinnant's civil_from_days: days since 1970-01-01 to year (1 BC = 0), month, day.</summary>
    public static (long Year, int Month, int Day) FromDays(long days)
    {
        var z = days + 719_468;
        var era = (z >= 0 ? z : z - 146_096) / 146_097;
        var dayOfEra = z - (era * 146_097);
        var yearOfEra = (dayOfEra - (dayOfEra / 1460) + (dayOfEra / 36_524) - (dayOfEra / 146_096)) / 365;
        var dayOfYear = dayOfEra - ((365 * yearOfEra) + (yearOfEra / 4) - (yearOfEra / 100));
        var mp = ((5 * dayOfYear) + 2) / 153;
        var day = (int)(dayOfYear - (((153 * mp) + 2) / 5) + 1);
        var month = (int)(mp < 10 ? mp + 3 : mp - 9);
        var year = yearOfEra + (era * 400) + (month <= 2 ? 1 : 0);
        return (year, month, day);
    }

    /// <summary>Howard Hinnant's days_from_civil: the inverse of <see cref="FromDays"/>.</summary>
    public static long ToDays(long year, int month, int day)
    {
        year -= month <= 2 ? 1 : 0;
        var era = (year >= 0 ? year : year - 399) / 400;
        var yearOfEra = year - (era * 400);
        var dayOfYear = ((153 * (month > 2 ? month - 3 : month + 9)) + 2) / 5 + day - 1;
        var dayOfEra = (yearOfEra * 365) + (yearOfEra / 4) - (yearOfEra / 100) + dayOfYear;
        return (era * 146_097) + dayOfEra - 719_468;
    }

    /// <summary>
    /// <c>yyyy-MM-dd</c> as <c>DateTimeFormatter.ISO_LOCAL_DATE</c> prints it: at least four year digits, a leading
    /// <c>+</c> above 9999 and <c>-</c> before year 0.
    /// </summary>
    public static void WriteIsoDate(JsonBuffer json, long days)
    {
        var (year, month, day) = FromDays(days);
        if (year is >= 0 and <= 9999)
        {
            WriteTwoDigits(json, (int)(year / 100));
            WriteTwoDigits(json, (int)(year % 100));
        }
        else
        {
            var text = year > 9999
                ? "+" + year.ToString(CultureInfo.InvariantCulture)
                : "-" + (-year).ToString("D4", CultureInfo.InvariantCulture);
            foreach (var c in text)
            {
                json.WriteByte((byte)c);
            }
        }

        json.WriteByte((byte)'-');
        WriteTwoDigits(json, month);
        json.WriteByte((byte)'-');
        WriteTwoDigits(json, day);
    }

    public static void WriteTwoDigits(JsonBuffer json, int value)
    {
        json.WriteByte((byte)('0' + (value / 10)));
        json.WriteByte((byte)('0' + (value % 10)));
    }

    public static long FloorDiv(long value, long divisor) => value >= 0 ? value / divisor : ((value + 1) / divisor) - 1;
}
