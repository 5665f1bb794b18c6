using System.Globalization;

namespace CdcPipeline.ServiceDefaults.Settings;

/// <summary>How every duration setting of every service is read: <c>hh:mm:ss[.fffffff]</c> or <c>d.hh:mm:ss</c>.</summary>
/// <remarks>
/// <see cref="TimeSpan.Parse(string, IFormatProvider)"/> reads a bare number as days, so <c>IdleTimeout=10</c>
/// would wait ten days where ten seconds was meant. A bare number is refused, except <c>0</c>, which is zero in
/// any unit.
/// </remarks>
public static class DurationSetting
{
    /// <summary>What a duration setting allows, as the refusal says it.</summary>
    public const string ExpectedForm = "use hh:mm:ss, e.g. 00:00:10";

    public static bool TryParse(string? value, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        var text = value.Trim();
        if (text == "0")
        {
            return true;
        }

        return text.Contains(':', StringComparison.Ordinal) && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out duration);
    }

    /// <summary>The refusal of <paramref name="value"/> for <paramref name="setting"/>.</summary>
    public static string Refusal(string setting, string value) =>
        long.TryParse(value.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)
            ? $"{setting}={value} is not valid: {ExpectedForm} (a bare number would be read as days)."
            : $"{setting}={value} is not valid: {ExpectedForm}.";
}
