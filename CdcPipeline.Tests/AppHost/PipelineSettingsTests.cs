using CdcPipeline.AppHost.Profiles;
using Microsoft.Extensions.Configuration;

namespace CdcPipeline.Tests.AppHost;

public sealed class PipelineSettingsTests
{
    private static readonly ContainerEngineStatus s_engineRunning = new(true, "docker is running");
    private static readonly ContainerEngineStatus s_noEngine = new(false, "docker: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?");

    [Fact]
    public void Unset_profile_is_containers_with_debezium_when_a_container_engine_answers()
    {
        var settings = Resolve([], s_engineRunning);

        Assert.Equal(PipelineProfile.Containers, settings.Profile);
        Assert.Equal(CaptureMode.Debezium, settings.Capture);
        Assert.StartsWith("Profile containers, capture debezium: a container engine answered (docker is running).", settings.Summary, StringComparison.Ordinal);
        Assert.Contains("CdcPipeline:Profile=local", settings.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Unset_profile_is_local_with_builtin_capture_when_no_container_engine_answers_and_says_why()
    {
        var settings = Resolve([], s_noEngine);

        Assert.Equal(PipelineProfile.Local, settings.Profile);
        Assert.Equal(CaptureMode.Builtin, settings.Capture);
        Assert.Equal(
            "Profile local, capture builtin: no container engine answered (docker: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. " +
            "Is the docker daemon running?). Set CdcPipeline:Profile=containers to run the infrastructure in containers instead (they wait until an engine runs).",
            settings.Summary);
        Assert.StartsWith("local: no container engine answered (docker: Cannot connect", settings.ProfileDescription, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("containers", PipelineProfile.Containers)]
    [InlineData("local", PipelineProfile.Local)]
    [InlineData("Local", PipelineProfile.Local)]
    public void Set_profile_is_used_without_asking_for_a_container_engine(string value, PipelineProfile expected)
    {
        var settings = PipelineSettings.Resolve(Configuration(("CdcPipeline:Profile", value)), isPublishMode: false,
            () => throw new InvalidOperationException("the probe must not run"));

        Assert.Equal(expected, settings.Profile);
        Assert.Equal($"CdcPipeline:Profile={value} is set", settings.Reason);
    }

    [Fact]
    public void Publish_mode_describes_the_containers_without_asking_for_an_engine()
    {
        var settings = PipelineSettings.Resolve(Configuration(), isPublishMode: true, () => throw new InvalidOperationException("the probe must not run"));

        Assert.Equal(PipelineProfile.Containers, settings.Profile);
        Assert.Equal(CaptureMode.Debezium, settings.Capture);
    }

    [Fact]
    public void Builtin_capture_can_be_chosen_with_containers()
    {
        var settings = Resolve([("CdcPipeline:Profile", "containers"), ("CdcPipeline:Capture", "builtin")], s_noEngine);

        Assert.Equal((PipelineProfile.Containers, CaptureMode.Builtin), (settings.Profile, settings.Capture));
    }

    [Fact]
    public void Invalid_profile_is_one_line_naming_the_setting_its_value_and_what_is_allowed()
    {
        var error = Assert.Throws<PipelineConfigurationException>(() => Resolve([("CdcPipeline:Profile", "cloud")], s_engineRunning));

        Assert.Equal(
            "CdcPipeline:Profile=cloud is not valid: use containers or local, or leave it unset to choose by whether a container engine answers.",
            error.Message);
    }

    [Fact]
    public void Invalid_capture_is_one_line_naming_the_setting_its_value_and_what_is_allowed()
    {
        var error = Assert.Throws<PipelineConfigurationException>(() => Resolve([("CdcPipeline:Capture", "connect")], s_engineRunning));

        Assert.Equal(
            "CdcPipeline:Capture=connect is not valid: use debezium (Debezium Connect, containers only) or builtin (the CdcPipeline.Capture service).",
            error.Message);
    }

    [Theory]
    [InlineData("local", "CdcPipeline:Profile=local is set")]
    [InlineData(null, "no container engine answered")]
    public void Debezium_in_the_local_profile_is_one_line_saying_what_to_set(string? profile, string reason)
    {
        (string, string?)[] settings = profile is null
            ? [("CdcPipeline:Capture", "debezium")]
            : [("CdcPipeline:Profile", profile), ("CdcPipeline:Capture", "debezium")];

        var error = Assert.Throws<PipelineConfigurationException>(() => Resolve(settings, s_noEngine));

        Assert.StartsWith($"CdcPipeline:Capture=debezium needs the containers profile, but this run is local ({reason}", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("set CdcPipeline:Capture=builtin, or CdcPipeline:Profile=containers.", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    private static PipelineSettings Resolve((string Key, string? Value)[] settings, ContainerEngineStatus engine) =>
        PipelineSettings.Resolve(Configuration(settings), isPublishMode: false, () => engine);

    private static IConfiguration Configuration(params (string Key, string? Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();
}
