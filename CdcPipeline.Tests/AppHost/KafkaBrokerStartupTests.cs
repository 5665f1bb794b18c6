using System.Diagnostics;
using CdcPipeline.AppHost.Kafka;

namespace CdcPipeline.Tests.AppHost;

/// <summary>
/// The broker container's startup script, run by this machine's <c>/bin/sh</c> against a Kafka home whose
/// <c>kafka-storage.sh</c> and <c>kafka-server-start.sh</c> record how they were called.
/// </summary>
public sealed class KafkaBrokerStartupTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("cdc-kafka-startup-").FullName;

    private string KafkaHome => Path.Combine(_root, "kafka");

    private string ConfigDirectory => Path.Combine(_root, "config");

    private string Calls => Path.Combine(_root, "calls");

    [Fact]
    public async Task Storage_is_formatted_with_the_written_properties_and_no_standalone_before_kafka_starts()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "the script runs under /bin/sh in the container");
        WriteTool("kafka-storage.sh", exitCode: 0);
        WriteTool("kafka-server-start.sh", exitCode: 0);
        string[] properties = ["node.id=2", "process.roles=broker,controller", "controller.quorum.voters=1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093"];

        var (exitCode, output) = await RunAsync(properties);

        var config = Path.Combine(ConfigDirectory, "server.properties");
        Assert.Equal(0, exitCode);
        Assert.Equal(properties, await File.ReadAllLinesAsync(config, TestContext.Current.CancellationToken));
        Assert.Equal(
            [
                $"kafka-storage.sh format --cluster-id Y2RjLXBpcGVsaW5lLWtyYQ --config {config} --ignore-formatted",
                $"kafka-server-start.sh {config}",
            ],
            await File.ReadAllLinesAsync(Calls, TestContext.Current.CancellationToken));
        Assert.Contains("formatting the storage of node 2 for cluster Y2RjLXBpcGVsaW5lLWtyYQ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_format_stops_the_container_before_kafka_starts()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "the script runs under /bin/sh in the container");
        WriteTool("kafka-storage.sh", exitCode: 1);
        WriteTool("kafka-server-start.sh", exitCode: 0);

        var (exitCode, _) = await RunAsync(["node.id=1"]);

        Assert.NotEqual(0, exitCode);
        Assert.Single(await File.ReadAllLinesAsync(Calls, TestContext.Current.CancellationToken), call => call.StartsWith("kafka-storage.sh format", StringComparison.Ordinal));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private void WriteTool(string name, int exitCode)
    {
        var bin = Directory.CreateDirectory(Path.Combine(KafkaHome, "bin")).FullName;
        var path = Path.Combine(bin, name);
        File.WriteAllText(path, $"#!/bin/sh\necho \"{name} $*\" >> '{Calls}'\nexit {exitCode}\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private async Task<(int ExitCode, string Output)> RunAsync(IEnumerable<string> properties)
    {
        var start = new ProcessStartInfo(KafkaBrokerStartup.Entrypoint) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in KafkaBrokerStartup.ArgumentsBeforeProperties(KafkaHome, ConfigDirectory).Concat(properties))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment[KafkaBrokerStartup.ClusterIdVariable] = KafkaClusterBuilderExtensions.DefaultClusterId;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await output + await error);
    }
}
