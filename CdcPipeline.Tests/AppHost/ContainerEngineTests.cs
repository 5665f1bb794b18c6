using CdcPipeline.AppHost.Profiles;
using Microsoft.Extensions.Configuration;

namespace CdcPipeline.Tests.AppHost;

/// <summary>The container probe asks DCP as Aspire does; a stand-in <c>dcp</c> script answers as DCP 0.26 does.</summary>
public sealed class ContainerEngineTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("cdc-fake-dcp-");

    [Fact]
    public void Installed_and_running_runtime_answers()
    {
        var status = Probe("""{"containers":{"runtime":"podman","installed":true,"running":true,"error":""}}""");

        Assert.True(status.Answers);
        Assert.Equal("podman is running", status.Description);
    }

    [Fact]
    public void Runtime_without_daemon_does_not_answer_and_says_what_its_cli_said()
    {
        var status = Probe("""{"containers":{"runtime":"docker","installed":true,"running":false,"error":"docker command 'ListNetworks' returned with non-zero exit code 1\nerror\nCannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?"}}""");

        Assert.False(status.Answers);
        Assert.Equal("docker: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?", status.Description);
    }

    [Fact]
    public void Runtime_not_installed_does_not_answer()
    {
        var status = Probe("""{"containers":{"runtime":"podman","installed":false,"running":false}}""");

        Assert.False(status.Answers);
        Assert.Equal("podman is not installed", status.Description);
    }

    [Fact]
    public void The_configured_runtime_is_passed_to_dcp_info()
    {
        // The stand-in echoes the runtime it was asked about: dcp info --container-runtime <runtime>.
        var dcp = Script("""echo "{\"containers\":{\"runtime\":\"$3\",\"installed\":true,\"running\":true}}" """);

        var status = ContainerEngine.Probe(Configuration(dcp, new() { ["ASPIRE_CONTAINER_RUNTIME"] = "podman" }), TimeSpan.FromSeconds(10));

        Assert.Equal("podman is running", status.Description);
    }

    [Fact]
    public void Dcp_that_does_not_answer_in_time_is_no_engine()
    {
        var status = ContainerEngine.Probe(Configuration(Script("sleep 30")), TimeSpan.FromMilliseconds(300));

        Assert.False(status.Answers);
        Assert.Contains("did not answer within", status.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_dcp_is_no_engine_and_names_the_path()
    {
        var path = Path.Combine(_directory.FullName, "no-dcp");

        var status = ContainerEngine.Probe(Configuration(path), TimeSpan.FromSeconds(5));

        Assert.False(status.Answers);
        Assert.Contains(path, status.Description, StringComparison.Ordinal);
    }

    public void Dispose() => _directory.Delete(recursive: true);

    private ContainerEngineStatus Probe(string json) =>
        ContainerEngine.Probe(Configuration(Script($"cat <<'JSON'\n{json}\nJSON")), TimeSpan.FromSeconds(10));

    private string Script(string body)
    {
        var path = Path.Combine(_directory.FullName, $"dcp-{Guid.NewGuid():N}");
        File.WriteAllText(path, $"#!/bin/sh\n{body}\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return path;
    }

    private static IConfiguration Configuration(string dcpPath, Dictionary<string, string?>? settings = null) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>(settings ?? []) { ["DcpPublisher:CliPath"] = dcpPath })
            .Build();
}
