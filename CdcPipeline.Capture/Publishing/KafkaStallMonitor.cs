using CdcPipeline.Capture.Options;
using CdcPipeline.Capture.Telemetry;
using Microsoft.Extensions.Options;

namespace CdcPipeline.Capture.Publishing;

/// <summary>
/// Kafka's silence, logged once: records wait without an acknowledgement for longer than
/// <c>Capture:MaxHealthyLag</c> (librdkafka keeps retrying: nothing is dropped) — and once more when Kafka
/// acknowledges again. The health check reports the same meanwhile.
/// </summary>
internal sealed class KafkaStallMonitor(ReplicationProgress progress, IOptions<CaptureOptions> options, TimeProvider clock, ILogger<KafkaStallMonitor> logger)
{
    private static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var limit = options.Value.MaxHealthyLag;
        var stalledFor = TimeSpan.Zero;
        using var timer = new PeriodicTimer(CheckInterval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                var waiting = progress.KafkaWaiting;
                if (stalledFor == TimeSpan.Zero && waiting > limit)
                {
                    stalledFor = waiting;
                    logger.KafkaStalled(waiting);
                }
                else if (stalledFor > TimeSpan.Zero && waiting < limit)
                {
                    logger.KafkaResumed();
                    stalledFor = TimeSpan.Zero;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }
}
