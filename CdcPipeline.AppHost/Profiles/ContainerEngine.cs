using System.ComponentModel;
using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace CdcPipeline.AppHost.Profiles;

/// <summary>What <see cref="ContainerEngine.Probe"/> found.</summary>
/// <param name="Answers">True when a container runtime is installed and running: containers can start.</param>
/// <param name="Description">One line: which runtime answered, or why none did.</param>
internal sealed record ContainerEngineStatus(bool Answers, string Description);

/// <summary>
/// Whether a container engine answers, asked the way Aspire asks before it starts containers: <c>dcp info</c> of the
/// DCP that runs this AppHost (<c>DcpPublisher:CliPath</c>, else <c>ASPIRE_DCP_PATH</c>, else the path the AppHost
/// SDK recorded in assembly metadata <c>dcpclipath</c>), for the runtime Aspire would use
/// (<c>DcpPublisher:ContainerRuntime</c>, else <c>ASPIRE_CONTAINER_RUNTIME</c>; unset: DCP picks docker or podman).
/// DCP checks the runtime's CLI, so docker contexts, <c>DOCKER_HOST</c> and daemonless podman count as they do for
/// Aspire itself.
/// </summary>
internal static class ContainerEngine
{
    /// <summary>Long enough for a healthy engine's first answer, short enough not to hold up a start against a hung one.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    public static ContainerEngineStatus Probe(IConfiguration configuration, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        var dcp = DcpPath(configuration);
        if (dcp is null || !File.Exists(dcp))
        {
            return new(false, $"Aspire's orchestrator (dcp) is not at '{dcp ?? "(no dcpclipath metadata)"}' to ask for a container runtime");
        }

        var runtime = configuration["DcpPublisher:ContainerRuntime"] is { Length: > 0 } configured
            ? configured
            : configuration["ASPIRE_CONTAINER_RUNTIME"] ?? configuration["DOTNET_ASPIRE_CONTAINER_RUNTIME"];
        var start = new ProcessStartInfo(dcp)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("info");
        if (!string.IsNullOrEmpty(runtime))
        {
            start.ArgumentList.Add("--container-runtime");
            start.ArgumentList.Add(runtime);
        }

        try
        {
            using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {dcp}.");
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                return new(false, $"'dcp info' did not answer within {timeout.TotalSeconds:0.#} s");
            }

            return process.ExitCode == 0
                ? Parse(output.GetAwaiter().GetResult())
                : new(false, $"'dcp info' exited with {process.ExitCode}: {LastLine(error.GetAwaiter().GetResult())}");
        }
        catch (Win32Exception exception)
        {
            return new(false, $"'dcp info' could not run: {exception.Message}");
        }
    }

    private static ContainerEngineStatus Parse(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            if (!document.RootElement.TryGetProperty("containers", out var containers))
            {
                return new(false, "'dcp info' reported no container runtime");
            }

            var runtime = Text(containers, "runtime") ?? "the container runtime";
            var installed = containers.TryGetProperty("installed", out var i) && i.ValueKind == JsonValueKind.True;
            var running = containers.TryGetProperty("running", out var r) && r.ValueKind == JsonValueKind.True;
            var error = LastLine(Text(containers, "error"));
            return (installed, running) switch
            {
                (true, true) => new(true, $"{runtime} is running"),
                (true, false) => new(false, error.Length > 0 ? $"{runtime}: {error}" : $"{runtime} is installed but not running"),
                _ => new(false, error.Length > 0 ? $"{runtime} is not installed: {error}" : $"{runtime} is not installed"),
            };
        }
        catch (JsonException exception)
        {
            return new(false, $"'dcp info' answered something that is not JSON: {exception.Message}");
        }
    }

    private static string? DcpPath(IConfiguration configuration)
    {
        if (configuration["DcpPublisher:CliPath"] is { Length: > 0 } cliPath)
        {
            return cliPath;
        }

        if (configuration["ASPIRE_DCP_PATH"] is { Length: > 0 } directory)
        {
            return Path.Combine(directory, OperatingSystem.IsWindows() ? "dcp.exe" : "dcp");
        }

        return typeof(ContainerEngine).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => string.Equals(a.Key, "dcpclipath", StringComparison.OrdinalIgnoreCase))?.Value;
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    // DCP and the runtimes' CLIs report several lines; the last one says what went wrong.
    private static string LastLine(string? text) =>
        text?.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? string.Empty;
}
