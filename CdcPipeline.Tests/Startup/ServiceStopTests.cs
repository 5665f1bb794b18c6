using System.Net;
using System.Net.Sockets;
using CdcPipeline.Tests.Capture;
using CdcPipeline.Tests.Infrastructure;

namespace CdcPipeline.Tests.Startup;

/// <summary>Services run alone with nothing reachable, then stopped as Ctrl+C stops them: exit code 0 and a true last word.</summary>
public sealed class ServiceStopTests
{
    [Fact]
    public async Task Consumer_stopped_before_reaching_Kafka_says_nothing_was_consumed()
    {
        using var consumer = ServiceProcess.Consumer(UnreachablePeers.Environment());

        var output = await StopCleanlyAfterAsync(consumer, "Consuming topics");

        Assert.Contains("Consumer stopped before reaching Kafka (it never joined group cdc-consumer): nothing consumed, no offsets to commit", output, StringComparison.Ordinal);
        Assert.DoesNotContain("offsets committed, group left", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Capture_retrying_an_unreachable_Kafka_stops_without_a_stack_trace()
    {
        // A "Kafka" that accepts connections and never answers: every attempt waits out Capture:AdminTimeout in a
        // metadata request, and with backoff delays of at most 10 ms the stop lands in an attempt, not between two.
        using var silentKafka = new TcpListener(IPAddress.Loopback, 0);
        silentKafka.Start();
        var kafka = $"127.0.0.1:{((IPEndPoint)silentKafka.LocalEndpoint).Port}";
        using var capture = ServiceProcess.Capture(UnreachablePeers.Environment(
            ("ConnectionStrings__kafka", kafka),
            ("Capture__AdminTimeout", "00:00:03"),
            ("Capture__RetryMaxDelay", "00:00:00.010")));

        var output = await StopCleanlyAfterAsync(capture, $"Kafka at {kafka} unavailable: ");

        Assert.DoesNotContain("BackgroundService failed", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    /// <summary>Waits until <paramref name="service"/> has logged <paramref name="text"/>, stops it, asserts exit code 0; returns its output.</summary>
    private static async Task<string> StopCleanlyAfterAsync(ServiceProcess service, string text)
    {
        await CaptureWait.UntilAsync(() => Task.FromResult(service.Output.Contains(text, StringComparison.Ordinal)), $"'{text}' in the log");

        service.Terminate();
        var exitCode = await service.WaitForExitAsync(TimeSpan.FromSeconds(90));

        Assert.True(exitCode == 0, $"Exited with {exitCode}:\n{service.Output}");
        return service.Output;
    }
}
