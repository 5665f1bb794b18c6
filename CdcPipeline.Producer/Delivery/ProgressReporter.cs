using System.Diagnostics;
using CdcPipeline.Producer.Telemetry;

namespace CdcPipeline.Producer.Delivery;

/// <summary>Logs progress (events delivered, failed, in flight, rate) at an interval and publishes the rate as a metric.</summary>
internal sealed class ProgressReporter(EventSender sender, ProducerTelemetry telemetry, ILogger<ProgressReporter> logger)
{
    /// <summary>Reports every <paramref name="interval"/> until <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task RunAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval);
        var last = sender.Summary;
        var lastTime = Stopwatch.GetTimestamp();
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                var now = sender.Summary;
                var elapsed = Stopwatch.GetElapsedTime(lastTime).TotalSeconds;
                lastTime = Stopwatch.GetTimestamp();
                var rate = (now.Delivered - last.Delivered) / Math.Max(elapsed, 0.001);
                telemetry.RecordRate(rate);
                logger.Progress(now.Delivered, now.Failed, now.Unconfirmed, rate);
                last = now;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The run ended; the worker logs the summary.
        }
    }
}
