using Microsoft.Extensions.Logging;

namespace CdcPipeline.CassandraSink.Consuming;

/// <summary>Retries work until it succeeds or the sink stops, with exponential backoff; the sink is unhealthy meanwhile.</summary>
internal sealed class Retry(SinkOptions options, SinkHealth health, ILogger logger, TimeProvider time)
{
    public async Task RunAsync(string work, Func<CancellationToken, Task> action, Func<Exception, bool> isTransient, CancellationToken cancellationToken)
    {
        var delay = options.RetryInitialBackoff;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await action(cancellationToken).ConfigureAwait(false);
                if (attempt > 1)
                {
                    logger.Recovered(work, attempt);
                }

                health.Healthy();
                return;
            }
            // A cancellation the sink did not ask for is a client-side timeout: worth retrying too.
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && (isTransient(e) || e is OperationCanceledException))
            {
                health.Unhealthy($"{work} failed: {e.Message}");
                SinkTelemetry.BatchRetries.Add(1);
                logger.Retrying(work, attempt, delay, e);
                await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.RetryMaxBackoff.Ticks));
            }
        }
    }
}
