using System.Net;
using System.Net.Sockets;
using CdcPipeline.AppHost.Local.Postgres;
using CdcPipeline.Tests.Capture;
using CdcPipeline.Tests.Reliability;

namespace CdcPipeline.Tests.Outages;

/// <summary>
/// What a newcomer reads when Kafka is not there: each service, as its own process with the local profile's
/// environment and default log levels, pointed at a closed port, writes a few lines a person can read — the outage
/// once, naming the broker, then a summary — instead of a line per refused connection.
/// </summary>
public sealed class KafkaDownLogTests
{
    /// <summary>Log entries (a console entry is a header line and its message) a person accepts in the window.</summary>
    private const int MaxEntries = 15;

    private static readonly TimeSpan Window = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StartDeadline = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Every_service_writes_a_few_readable_lines_in_30_s_while_Kafka_is_unreachable()
    {
        Assert.SkipWhen(PostgresInstallation.Find() is null, "No local PostgreSQL binaries: the capture needs its database.");
        await using var peers = await LocalPeers.StartAsync();
        var closed = ClosedPort();
        using var services = new PipelineServices(peers, seed: 11, eventsPerSecond: 10, kafka: closed);
        var runs = PipelineServices.All.Select(services.Start).ToList();

        // The window starts at each service's first failure line, so a slow start does not shorten it.
        var windows = runs.Select(run => WatchAsync(run.Process)).ToList();
        var outputs = await Task.WhenAll(windows);

        foreach (var (run, output) in runs.Zip(outputs))
        {
            var entries = ConsoleEntries(output);
            var failures = entries.Where(e => !e.Header.StartsWith("info:", StringComparison.Ordinal)).ToList();
            Assert.True(entries.Count <= MaxEntries, $"{run.Service} wrote {entries.Count} log entries in {Window.TotalSeconds} s (at most {MaxEntries} wanted):\n{output}");
            Assert.NotEmpty(failures);
            Assert.Contains(closed, failures[0].Message, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        }
    }

    /// <summary>Waits for the first warning (or the process's end), then <see cref="Window"/> more; what it wrote by then.</summary>
    private static async Task<string> WatchAsync(Infrastructure.ServiceProcess process)
    {
        await CaptureWait.UntilAsync(
            () => Task.FromResult(process.HasExited || ConsoleEntries(process.Output).Any(e => !e.Header.StartsWith("info:", StringComparison.Ordinal))),
            "a first failure line",
            StartDeadline);
        var end = DateTime.UtcNow + Window;
        while (DateTime.UtcNow < end && !process.HasExited)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }

        return process.Output;
    }

    /// <summary>The console formatter's entries: a <c>level: category[id]</c> header, then the message's indented lines.</summary>
    private static List<(string Header, string Message)> ConsoleEntries(string output)
    {
        var entries = new List<(string Header, string Message)>();
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith(' ') && entries.Count > 0)
            {
                entries[^1] = (entries[^1].Header, entries[^1].Message + line.Trim() + "\n");
            }
            else
            {
                entries.Add((line, string.Empty));
            }
        }

        return entries;
    }

    private static string ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"127.0.0.1:{port}";
    }
}
