using System.Collections;
using System.ComponentModel;
using Microsoft.Extensions.Configuration;

namespace CdcPipeline.ServiceDefaults.Settings;

/// <summary>
/// Checks every value of a configuration section against the type it binds to, before it is bound, so a wrong value
/// is refused with the setting's name, its value and what is allowed instead of the binder's "Failed to convert", and
/// durations follow <see cref="DurationSetting"/>.
/// </summary>
internal static class SettingValues
{
    private const int MaxDepth = 8;

    /// <summary>Binds <paramref name="section"/> to <paramref name="target"/>; throws <see cref="InvalidSettingException"/> for a wrong value.</summary>
    public static void Bind(IConfigurationSection section, object target)
    {
        var failures = Check(section, target.GetType());
        if (failures.Count > 0)
        {
            throw new InvalidSettingException(string.Join(" ", failures));
        }

        section.Bind(target);
    }

    /// <summary>One message per value of <paramref name="section"/> that cannot become its property of <paramref name="type"/>.</summary>
    public static List<string> Check(IConfigurationSection section, Type type)
    {
        var failures = new List<string>();
        CheckProperties(section, type, failures, 0);
        return failures;
    }

    private static void CheckProperties(IConfigurationSection section, Type type, List<string> failures, int depth)
    {
        if (depth > MaxDepth)
        {
            return;
        }

        foreach (var property in type.GetProperties())
        {
            if (property.GetIndexParameters().Length == 0)
            {
                CheckValue(section.GetSection(property.Name), property.PropertyType, failures, depth);
            }
        }
    }

    private static void CheckValue(IConfigurationSection setting, Type declared, List<string> failures, int depth)
    {
        var type = Nullable.GetUnderlyingType(declared) ?? declared;
        if (type == typeof(TimeSpan))
        {
            if (setting.Value is { } duration && !DurationSetting.TryParse(duration, out _))
            {
                failures.Add(DurationSetting.Refusal(setting.Path, duration));
            }

            return;
        }

        var converter = TypeDescriptor.GetConverter(type);
        if (converter.CanConvertFrom(typeof(string)))
        {
            if (setting.Value is { } value && !Converts(converter, value))
            {
                failures.Add($"{setting.Path}={value} is not valid: {Expected(type)}.");
            }

            return;
        }

        if (ElementType(type) is { } element)
        {
            foreach (var item in setting.GetChildren())
            {
                CheckValue(item, element, failures, depth + 1);
            }

            return;
        }

        if (type.IsClass)
        {
            CheckProperties(setting, type, failures, depth + 1);
        }
    }

    private static bool Converts(TypeConverter converter, string value)
    {
        try
        {
            converter.ConvertFromInvariantString(value);
            return true;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or OverflowException or NotSupportedException)
        {
            return false;
        }
    }

    /// <summary>The value type of a dictionary, or the item type of a list or array; null for other types.</summary>
    private static Type? ElementType(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }

        if (!typeof(IEnumerable).IsAssignableFrom(type))
        {
            return null;
        }

        var generic = type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>))
            ?? type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>));
        return generic?.GetGenericArguments()[^1];
    }

    private static string Expected(Type type) => type switch
    {
        _ when type.IsEnum => $"use {string.Join(" or ", Enum.GetNames(type))}",
        _ when type == typeof(bool) => "use true or false",
        _ when type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(byte) => "use a whole number",
        _ when type == typeof(double) || type == typeof(decimal) || type == typeof(float) => "use a number, e.g. 1.5",
        _ => $"use a {type.Name}",
    };
}
