using Microsoft.Extensions.Configuration;

namespace CdcPipeline.AppHost.Profiles;

/// <summary>
/// The profile and the change capture this run uses, and why. <c>CdcPipeline:Profile</c> (<c>containers</c> |
/// <c>local</c>) defaults to containers when a container engine answers and to local when none does;
/// <c>CdcPipeline:Capture</c> (<c>debezium</c> | <c>builtin</c>) defaults to debezium with containers and is always
/// builtin in the local profile, which has no Kafka Connect.
/// </summary>
internal sealed record PipelineSettings(PipelineProfile Profile, CaptureMode Capture, string Reason)
{
    public const string ProfileSetting = "CdcPipeline:Profile";
    public const string CaptureSetting = "CdcPipeline:Capture";

    /// <summary>The console's line at start: which profile and capture, why, and how to choose otherwise.</summary>
    public string Summary => $"Profile {Name(Profile)}, capture {Name(Capture)}: {Reason}. " + (Profile == PipelineProfile.Local
        ? $"Set {ProfileSetting}=containers to run the infrastructure in containers instead (they wait until an engine runs)."
        : $"Set {ProfileSetting}=local to run without containers (in-memory Kafka and Cassandra, PostgreSQL from this machine).");

    /// <summary>The profile and its reason, as the dashboard shows it on the resources the profile chose.</summary>
    public string ProfileDescription => $"{Name(Profile)}: {Reason}";

    /// <summary>
    /// Reads both settings; <paramref name="probe"/> is asked only when the profile is not set (and not in publish
    /// mode, where the manifest describes the container deployment). Throws <see cref="PipelineConfigurationException"/>
    /// naming the setting, its value and what is allowed.
    /// </summary>
    public static PipelineSettings Resolve(IConfiguration configuration, bool isPublishMode, Func<ContainerEngineStatus> probe)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(probe);

        var (profile, reason) = configuration[ProfileSetting] switch
        {
            null or "" when isPublishMode => (PipelineProfile.Containers, "publish mode, and the manifest describes the container deployment"),
            null or "" => probe() is var engine && engine.Answers
                ? (PipelineProfile.Containers, $"a container engine answered ({engine.Description})")
                : (PipelineProfile.Local, $"no container engine answered ({engine.Description})"),
            var value when Parse<PipelineProfile>(value) is { } chosen => (chosen, $"{ProfileSetting}={value} is set"),
            var value => throw new PipelineConfigurationException(
                $"{ProfileSetting}={value} is not valid: use containers or local, or leave it unset to choose by whether a container engine answers."),
        };

        var capture = configuration[CaptureSetting] switch
        {
            null or "" => profile == PipelineProfile.Containers ? CaptureMode.Debezium : CaptureMode.Builtin,
            var value when Parse<CaptureMode>(value) is { } chosen => chosen,
            var value => throw new PipelineConfigurationException(
                $"{CaptureSetting}={value} is not valid: use debezium (Debezium Connect, containers only) or builtin (the CdcPipeline.Capture service)."),
        };

        if (profile == PipelineProfile.Local && capture == CaptureMode.Debezium)
        {
            throw new PipelineConfigurationException(
                $"{CaptureSetting}={configuration[CaptureSetting]} needs the containers profile, but this run is local ({reason}): " +
                $"set {CaptureSetting}=builtin, or {ProfileSetting}=containers.");
        }

        return new PipelineSettings(profile, capture, reason);
    }

    public static string Name(PipelineProfile profile) => profile.ToString().ToLowerInvariant();

    public static string Name(CaptureMode capture) => capture.ToString().ToLowerInvariant();

    private static T? Parse<T>(string value) where T : struct, Enum =>
        Enum.GetValues<T>().Cast<T?>().FirstOrDefault(v => string.Equals(v.ToString(), value, StringComparison.OrdinalIgnoreCase));
}
