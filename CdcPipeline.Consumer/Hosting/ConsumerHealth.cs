using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CdcPipeline.Consumer.Hosting;

/// <summary>The consumer's own view of its health: PostgreSQL reachable, Kafka client not failed.</summary>
public sealed class ConsumerHealth : IHealthCheck
{
    private readonly Lock _gate = new();
    private string? _databaseError;
    private DateTimeOffset _databaseFailingSince;
    private string? _fatalError;

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

            return Task.FromResult(_databaseError is null
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy(
                    $"PostgreSQL unavailable since {_databaseFailingSince:O}; writes are retried, nothing is skipped. Last error: {_databaseError}"));
        }
    }
}
