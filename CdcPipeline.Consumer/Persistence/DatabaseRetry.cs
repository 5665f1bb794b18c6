using CdcPipeline.Consumer.Hosting;
using CdcPipeline.Consumer.Options;
using CdcPipeline.ServiceDefaults.Outages;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Polly;
using Polly.Retry;

namespace CdcPipeline.Consumer.Persistence;

/// <summary>
/// Waits out an unavailable PostgreSQL: retries with exponential backoff (capped by
/// <c>Consumer:DatabaseRetryMaxDelay</c>) for as long as it takes, reporting unhealthy meanwhile. The partition
/// waits with it, so nothing is skipped; it resumes with the same batch. The failures of every worker are told as one
/// outage (once, summarised while it lasts, one line when PostgreSQL answers again). <see cref="Unavailable"/> adds up the time
/// PostgreSQL was unreachable, as any worker saw it: from a first failure until the next success of any worker.
/// </summary>
public sealed class DatabaseRetry
{
    private readonly ResiliencePipeline _pipeline;
    private readonly ConsumerHealth _health;
    private readonly DependencyOutage _postgresOutage;
    private readonly TimeProvider _timeProvider;
    private readonly Lock _outage = new();
    private long? _unavailableSince;
    private TimeSpan _unavailableBefore;

    public DatabaseRetry(
        NpgsqlDataSource dataSource, IOptions<ConsumerOptions> options, ConsumerHealth health, TimeProvider timeProvider,
        ILogger<DatabaseRetry> logger)
    {
        _health = health;
        _timeProvider = timeProvider;
        var database = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
        var outage = _postgresOutage = new DependencyOutage(
            DependencyOutages.Name("PostgreSQL", $"{database.Host}:{database.Port}"), logger, timeProvider);
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
                    outage.Failed(error.Message);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    /// <summary>How long PostgreSQL has been unreachable in all since the consumer started, an outage going on included.</summary>
    public TimeSpan Unavailable
    {
        get
        {
            lock (_outage)
            {
                return _unavailableBefore + (_unavailableSince is { } since ? _timeProvider.GetElapsedTime(since) : TimeSpan.Zero);
            }
        }
    }

    /// <summary>Runs <paramref name="action"/> until PostgreSQL takes it.</summary>
    public async Task<T> ExecuteAsync<T>(Func<CancellationToken, Task<T>> action, CancellationToken cancellationToken)
    {
        var failures = 0;
        var result = await _pipeline.ExecuteAsync(
            async token =>
            {
                try
                {
                    return await action(token);
                }
                catch (Exception exception) when (DatabaseErrors.IsRetryable(exception))
                {
                    failures++;
                    lock (_outage)
                    {
                        _unavailableSince ??= _timeProvider.GetTimestamp();
                    }

                    throw;
                }
            },
            cancellationToken);

        lock (_outage)
        {
            if (_unavailableSince is { } since)
            {
                _unavailableBefore += _timeProvider.GetElapsedTime(since);
                _unavailableSince = null;
            }
        }

        if (failures > 0 || _health.IsDatabaseFailing)
        {
            _health.DatabaseAvailable();
            _postgresOutage.Succeeded();
        }

        return result;
    }
}
