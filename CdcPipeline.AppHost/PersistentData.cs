using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;

namespace CdcPipeline.AppHost;

/// <summary>
/// Where containers keep their data. By default on named volumes that outlive the AppHost; with
/// <see cref="EphemeralVolumesSetting"/> set to <c>true</c> (tests) inside the container only, so every run
/// starts from empty state and no run depends on what an earlier run (with another password) left behind.
/// </summary>
internal static class PersistentData
{
    /// <summary>Configuration key: <c>true</c> adds no persistent volumes.</summary>
    public const string EphemeralVolumesSetting = "CdcPipeline:EphemeralVolumes";

    public static bool VolumesAreEphemeral(this IDistributedApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Configuration.GetValue<bool>(EphemeralVolumesSetting);
    }

    /// <summary>Mounts a named volume (stable across runs) at <paramref name="dataDirectory"/> unless volumes are ephemeral.</summary>
    public static IResourceBuilder<T> WithPersistentData<T>(this IResourceBuilder<T> builder, string dataDirectory)
        where T : ContainerResource
    {
        ArgumentNullException.ThrowIfNull(builder);

        return builder.ApplicationBuilder.VolumesAreEphemeral()
            ? builder
            : builder.WithVolume(VolumeNameGenerator.Generate(builder, "data"), dataDirectory);
    }
}
