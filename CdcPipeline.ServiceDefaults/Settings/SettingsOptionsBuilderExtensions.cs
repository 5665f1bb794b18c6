using CdcPipeline.ServiceDefaults.Settings;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

public static class SettingsOptionsBuilderExtensions
{
    /// <summary>
    /// Binds the options from the configuration section <paramref name="sectionPath"/>, refusing a value its property
    /// cannot take (a duration that is not <c>hh:mm:ss</c>, a word where a number goes, an unknown enum name) with a
    /// message naming the setting, and validates them when the host starts, before any connection is tried.
    /// </summary>
    public static OptionsBuilder<TOptions> BindSettings<TOptions>(this OptionsBuilder<TOptions> builder, string sectionPath)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Configure<IConfiguration>((options, configuration) =>
        {
            var section = configuration.GetSection(sectionPath);
            if (SettingValues.Check(section, typeof(TOptions)) is { Count: > 0 } failures)
            {
                throw new OptionsValidationException(builder.Name, typeof(TOptions), failures);
            }

            section.Bind(options);
        });
        return builder.ValidateOnStart();
    }
}
