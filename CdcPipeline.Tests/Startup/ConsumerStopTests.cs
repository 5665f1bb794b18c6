using CdcPipeline.Tests.Capture;
using CdcPipeline.Tests.Infrastructure;

namespace CdcPipeline.Tests.Startup;

/// <summary>What the Consumer says when it is stopped without ever having reached Kafka.</summary>
public sealed class ConsumerStopTests
{
    [Fact]
    public async Task Consumer_stopped_before_reaching_Kafka_says_nothing_was_consumed()
    {
        using var consumer = ServiceProcess.Consumer(UnreachablePeers.Environment());
        await CaptureWait.UntilAsync(() => Task.FromResult(consumer.Output.Contains("Consuming topics", StringComparison.Ordinal)), "the consumer to subscribe");

        consumer.Terminate();
        var exitCode = await consumer.WaitForExitAsync(TimeSpan.FromSeconds(90));

        var output = consumer.Output;
        Assert.True(exitCode == 0, $"The consumer exited with {exitCode}:\n{output}");
        Assert.Contains("Consumer stopped before reaching Kafka (it never joined group cdc-consumer): nothing consumed, no offsets to commit", output, StringComparison.Ordinal);
        Assert.DoesNotContain("offsets committed, group left", output, StringComparison.Ordinal);
    }
}
