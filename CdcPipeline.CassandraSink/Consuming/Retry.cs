using CdcPipeline.CassandraSink.Options;
using CdcPipeline.CassandraSink.Telemetry;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace CdcPipeline.CassandraSink.Consuming;

/// <summary>
/// Retries work until it succeeds or the sink stops, with Polly's exponential backoff with jitter, from
/// <c>CassandraSink:RetryInitialBackoff</c> up to <c>CassandraSink:RetryMaxBackoff</c>; the sink is unhealthy
/// meanwhile. One pipeline, built once, serves every kind of work: what is worth retrying comes with each call.
/// </summary>
internal sealed class Retry
{
    private static readonly ResiliencePropertyKey<Func<Exception, bool>> TransientKey = new("cdc.sink.transient");
    private static readonly ResiliencePropertyKey<string> WorkKey = new("cdc.sink.work");

    private readonly ResiliencePipeline _pipeline;
    private readonly SinkHealth _health;
    private readonly ILogger _logger;

    public Retry(SinkOptions options, SinkHealth health, ILogger logger, TimeProvider time)
    {
        _health = health;
        _logger = logger;
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                // A cancellation the sink did not ask for is a client-side timeout: worth retrying too.
                ShouldHandle = arguments => ValueTask.FromResult(
                    arguments.Outcome.Exception is { } error
                    && !arguments.Context.CancellationToken.IsCancellationRequested
                    && (error is OperationCanceledException || arguments.Context.Properties.GetValue(TransientKey, _ => false)(error))),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryInitialBackoff,
                MaxDelay = options.RetryMaxBackoff,
                OnRetry = arguments =>
                {
                    var work = arguments.Context.Properties.GetValue(WorkKey, "work");
                    var error = arguments.Outcome.Exception!;
                    health.Unhealthy($"{work} failed: {error.Message}");
                    SinkTelemetry.BatchRetries.Add(1);
                    logger.Retrying(work, arguments.AttemptNumber + 1, arguments.RetryDelay, error);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    public async Task RunAsync(string work, Func<CancellationToken, Task> action, Func<Exception, bool> isTransient, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(WorkKey, work);
        context.Properties.Set(TransientKey, isTransient);
        var attempts = 0;
        try
        {
            await _pipeline.ExecuteAsync(
                async (ctx, state) =>
                {
                    attempts++;
                    await state(ctx.CancellationToken).ConfigureAwait(false);
                },
                context,
                action).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }

        if (attempts > 1)
        {
            _logger.Recovered(work, attempts);
        }

        _health.Healthy();
    }
}
