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
/// <c>Consumer:DatabaseRetryMaxDelay</c>) for as long as it takes. The partition
/// waits with it, so nothing is skipped; it resumes with the same batch. The failures of every worker are told as one
/// outage (once, summarised while it lasts, one line when PostgreSQL answers again). <see cref="Unavailable"/> adds up the time
/// PostgreSQL was unreachable, as any worker saw it: from a first failure until the next success of any worker;
/// <see cref="Outage"/> describes the outage going on, for the health check.
/// </summary>
internal sealed class DatabaseRetry
{
    private readonly ResiliencePipeline _pipeline;
    private readonly DependencyOutage _postgresOutage;
    private readonly TimeProvider _timeProvider;
    private readonly Lock _outage = new();
    private long? _unavailableSince;
    private TimeSpan _unavailableBefore;
    private DatabaseOutage? _current;

    public DatabaseRetry(
        NpgsqlDataSource dataSource, IOptions<ConsumerOptions> options, TimeProvider timeProvider, ILogger<DatabaseRetry> logger)
    {
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

                    lock (_outage)
                    {
                        _current = new DatabaseOutage(_current?.Since ?? timeProvider.GetUtcNow(), error.Message);
                    }

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

    /// <summary>The outage going on (PostgreSQL failed and has not taken a write since); null while it is reachable.</summary>
    public DatabaseOutage? Outage
    {
        get
        {
            lock (_outage)
            {
                return _current;
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

        bool ended;
        lock (_outage)
        {
            if (_unavailableSince is { } since)
            {
                _unavailableBefore += _timeProvider.GetElapsedTime(since);
                _unavailableSince = null;
            }

            ended = _current is not null;
            _current = null;
        }

        if (failures > 0 || ended)
        {
            _postgresOutage.Succeeded();
        }

        return result;
    }
}
