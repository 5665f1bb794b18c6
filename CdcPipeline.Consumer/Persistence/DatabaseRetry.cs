using CdcPipeline.Consumer.Hosting;
using CdcPipeline.Consumer.Options;
using CdcPipeline.Consumer.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Polly;
using Polly.Retry;

namespace CdcPipeline.Consumer.Persistence;

/// <summary>
/// Waits out an unavailable PostgreSQL: retries with exponential backoff (capped by
/// <c>Consumer:DatabaseRetryMaxDelay</c>) for as long as it takes, reporting unhealthy meanwhile. The partition
/// waits with it, so nothing is skipped; it resumes with the same batch.
/// </summary>
public sealed class DatabaseRetry
{
    private readonly ResiliencePipeline _pipeline;
    private readonly ConsumerHealth _health;
    private readonly ILogger<DatabaseRetry> _logger;
    private readonly TimeProvider _timeProvider;

    public DatabaseRetry(
        NpgsqlDataSource dataSource, IOptions<ConsumerOptions> options, ConsumerHealth health, TimeProvider timeProvider,
        ILogger<DatabaseRetry> logger)
    {
        _health = health;
        _logger = logger;
        _timeProvider = timeProvider;
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = timeProvider }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(DatabaseErrors.IsRetryable),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(100),
                MaxDelay = options.Value.DatabaseRetryMaxDelay,
                OnRetry = arguments =>
                {
                    var error = arguments.Outcome.Exception!;
                    if (DatabaseErrors.IsConnectionFailure(error))
                    {
                        dataSource.Clear();
                    }

                    health.DatabaseFailed(error.Message, timeProvider.GetUtcNow());
                    logger.DatabaseUnavailable(arguments.AttemptNumber + 1, arguments.RetryDelay, error.Message);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    /// <summary>
    /// Runs <paramref name="action"/> until PostgreSQL takes it; <paramref name="unavailable"/> learns how long it was
    /// unreachable (from the first failure to the success), when it was.
    /// </summary>
    public async Task<T> ExecuteAsync<T>(
        Func<CancellationToken, Task<T>> action, CancellationToken cancellationToken, Action<TimeSpan>? unavailable = null)
    {
        var failures = 0;
        var firstFailure = 0L;
        var result = await _pipeline.ExecuteAsync(
            async token =>
            {
                try
                {
                    return await action(token);
                }
                catch (Exception exception) when (DatabaseErrors.IsRetryable(exception))
                {
                    if (failures++ == 0)
                    {
                        firstFailure = _timeProvider.GetTimestamp();
                    }

                    throw;
                }
            },
            cancellationToken);

        if (failures > 0)
        {
            unavailable?.Invoke(_timeProvider.GetElapsedTime(firstFailure));
        }

        if (failures > 0 || _health.IsDatabaseFailing)
        {
            _health.DatabaseAvailable();
            _logger.DatabaseRecovered(failures);
        }

        return result;
    }
}
