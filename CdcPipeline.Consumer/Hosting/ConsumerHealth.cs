using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CdcPipeline.Consumer.Hosting;

/// <summary>The consumer's own view of its health: PostgreSQL reachable, Kafka client not failed.</summary>
public sealed class ConsumerHealth : IHealthCheck
{
    private readonly Lock _gate = new();
    private string? _databaseError;
    private DateTimeOffset _databaseFailingSince;
    private string? _fatalError;
    private readonly Dictionary<string, string> _deadLetterErrors = new(StringComparer.Ordinal);

    public bool IsDatabaseFailing
    {
        get
        {
            lock (_gate)
            {
                return _databaseError is not null;
            }
        }
    }

    public void DatabaseFailed(string error, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (_databaseError is null)
            {
                _databaseFailingSince = now;
            }

            _databaseError = error;
        }
    }

    public void DatabaseAvailable()
    {
        lock (_gate)
        {
            _databaseError = null;
        }
    }

    /// <summary>Publishing a dead letter of <paramref name="partition"/> fails; the partition waits while it is retried.</summary>
    public void DeadLetterFailing(string partition, string error)
    {
        lock (_gate)
        {
            _deadLetterErrors[partition] = error;
        }
    }

    public void DeadLetterRecovered(string partition)
    {
        lock (_gate)
        {
            _deadLetterErrors.Remove(partition);
        }
    }

    public void Failed(string error)
    {
        lock (_gate)
        {
            _fatalError = error;
        }
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_fatalError is not null)
            {
                return Task.FromResult(HealthCheckResult.Unhealthy($"The consumer stopped: {_fatalError}"));
            }

            if (_databaseError is not null)
            {
                return Task.FromResult(HealthCheckResult.Unhealthy(
                    $"PostgreSQL unavailable since {_databaseFailingSince:O}; writes are retried, nothing is skipped. Last error: {_databaseError}"));
            }

            return Task.FromResult(_deadLetterErrors.Count == 0
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy(
                    "Dead-letter publishing fails; the partitions wait while it is retried: "
                    + string.Join("; ", _deadLetterErrors.Select(entry => $"{entry.Key}: {entry.Value}"))));
        }
    }
}
