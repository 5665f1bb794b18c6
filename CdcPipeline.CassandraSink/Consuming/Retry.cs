using CdcPipeline.CassandraSink.Options;
using CdcPipeline.CassandraSink.Telemetry;
using CdcPipeline.ServiceDefaults.Outages;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace CdcPipeline.CassandraSink.Consuming;

/// <summary>
/// Retries work until it succeeds or the sink stops, with Polly's exponential backoff with jitter, from
/// <c>CassandraSink:RetryInitialBackoff</c> up to <c>CassandraSink:RetryMaxBackoff</c>; the sink is unhealthy
/// meanwhile, and the failures are told as an outage of the dependency the work needs (once, then summarised, no
/// stack trace: they are expected and handled). One pipeline, built once, serves every kind of work: what is worth
/// retrying and what it depends on come with each call.
/// </summary>
internal sealed class Retry
{
    private static readonly ResiliencePropertyKey<Func<Exception, bool>> TransientKey = new("cdc.sink.transient");
    private static readonly ResiliencePropertyKey<string> WorkKey = new("cdc.sink.work");
    private static readonly ResiliencePropertyKey<string> DependencyKey = new("cdc.sink.dependency");

    private readonly ResiliencePipeline _pipeline;
    private readonly SinkHealth _health;
    private readonly DependencyOutages _outages;

    public Retry(IOptions<SinkOptions> sinkOptions, SinkHealth health, DependencyOutages outages, SinkTelemetry telemetry, TimeProvider time)
    {
        var options = sinkOptions.Value;
        _health = health;
        _outages = outages;
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
                    telemetry.RecordRetry();
                    outages.For(arguments.Context.Properties.GetValue(DependencyKey, "a dependency")).Failed($"{work} failed: {error.Message}");
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    /// <param name="work">What is done, as a log line starts: <c>Writing to Cassandra</c>.</param>
    /// <param name="dependency">What it needs, as <see cref="DependencyOutages"/> names it: <c>Cassandra at localhost:9042</c>.</param>
    public async Task RunAsync(
        string work, string dependency, Func<CancellationToken, Task> action, Func<Exception, bool> isTransient, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(WorkKey, work);
        context.Properties.Set(DependencyKey, dependency);
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
            _outages.Succeeded(dependency);
        }

        _health.Healthy();
    }
}
