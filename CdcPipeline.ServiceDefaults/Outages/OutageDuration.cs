using System.Globalization;

namespace CdcPipeline.ServiceDefaults.Outages;

/// <summary>A duration as a person reads it in a log line: <c>45 s</c>, <c>3 min 20 s</c>, <c>2 h 5 min</c>.</summary>
internal static class OutageDuration
{
    public static string Format(TimeSpan duration)
    {
        var seconds = (long)Math.Round(Math.Max(duration.TotalSeconds, 0), MidpointRounding.AwayFromZero);
        return seconds switch
        {
            < 60 => string.Create(CultureInfo.InvariantCulture, $"{seconds} s"),
            < 3600 => Join(seconds / 60, "min", seconds % 60, "s"),
            _ => Join(seconds / 3600, "h", seconds % 3600 / 60, "min"),
        };
    }

    private static string Join(long major, string majorUnit, long minor, string minorUnit) =>
        minor == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{major} {majorUnit}")
            : string.Create(CultureInfo.InvariantCulture, $"{major} {majorUnit} {minor} {minorUnit}");
}
