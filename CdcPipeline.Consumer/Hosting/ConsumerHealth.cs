using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CdcPipeline.Consumer.Hosting;

/// <summary>
/// The consumer's own view of its health: PostgreSQL reachable, dead letters published, Kafka client not failed;
/// degraded while a partition is paused because too many of its events are parked. The events parked per partition
/// are in the result's data (and its description).
/// </summary>
public sealed class ConsumerHealth : IHealthCheck
{
    private readonly Lock _gate = new();
    private string? _databaseError;
    private DateTimeOffset _databaseFailingSince;
    private string? _fatalError;
    private readonly Dictionary<string, string> _deadLetterErrors = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, (int Count, bool Full)> _parked = new(StringComparer.Ordinal);

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

    /// <summary>How many events of <paramref name="partition"/> are parked now, and whether that paused it.</summary>
    public void Parked(string partition, int count, bool full)
    {
        lock (_gate)
        {
            if (count == 0)
            {
                _parked.Remove(partition);
            }
            else
            {
                _parked[partition] = (count, full);
            }
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
            var data = _parked.ToDictionary(entry => $"parked {entry.Key}", entry => (object)entry.Value.Count, StringComparer.Ordinal);
            var parked = _parked.Count == 0
                ? string.Empty
                : " Parked events waiting for their users: " + string.Join(", ", _parked.Select(entry => $"{entry.Key} {entry.Value.Count}")) + ".";
            if (_fatalError is not null)
            {
                return Task.FromResult(HealthCheckResult.Unhealthy($"The consumer stopped: {_fatalError}", data: data));
            }

            if (_databaseError is not null)
            {
                return Task.FromResult(HealthCheckResult.Unhealthy(
                    $"PostgreSQL unavailable since {_databaseFailingSince:O}; writes are retried, nothing is skipped. Last error: {_databaseError}.{parked}",
                    data: data));
            }

            if (_deadLetterErrors.Count > 0)
            {
                return Task.FromResult(HealthCheckResult.Unhealthy(
                    "Dead-letter publishing fails; the partitions wait while it is retried: "
                    + string.Join("; ", _deadLetterErrors.Select(entry => $"{entry.Key}: {entry.Value}")) + "." + parked,
                    data: data));
            }

            var full = _parked.Where(entry => entry.Value.Full).Select(entry => entry.Key).ToArray();
            return Task.FromResult(full.Length > 0
                ? HealthCheckResult.Degraded(
                    $"Paused until their parked events drain (Consumer:MaxParkedPerPartition): {string.Join(", ", full)}.{parked}", data: data)
                : HealthCheckResult.Healthy(parked.Length == 0 ? null : parked.TrimStart(), data));
        }
    }
}
