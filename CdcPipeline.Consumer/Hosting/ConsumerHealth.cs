using CdcPipeline.Consumer.Persistence;
using CdcPipeline.Consumer.Processing;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CdcPipeline.Consumer.Hosting;

/// <summary>
/// The consumer's own view of its health, reported here alone: PostgreSQL reachable (<see cref="DatabaseRetry.Outage"/>),
/// dead letters published (<see cref="DeadLetterRetry.Failing"/>), Kafka client and partition workers not failed;
/// degraded while a partition is paused because too many of its events are parked, or while events are parked and
/// Kafka cannot tell how far the users topic has been consumed (<see cref="UsersTopicProgress.Unreadable"/>: their
/// budgets do not start). The events parked per partition are in the result's data (and its description).
/// </summary>
internal sealed class ConsumerHealth(DatabaseRetry database, DeadLetterRetry deadLetters, UsersTopicProgress usersTopic) : IHealthCheck
{
    private readonly Lock _gate = new();
    private readonly SortedDictionary<string, (int Count, bool Full)> _parked = new(StringComparer.Ordinal);
    private string? _fatalError;

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

            if (database.Outage is { } outage)
            {
                return Task.FromResult(HealthCheckResult.Unhealthy(
                    $"PostgreSQL unavailable since {outage.Since:O}; writes are retried, nothing is skipped. Last error: {outage.LastError}.{parked}",
                    data: data));
            }

            if (deadLetters.Failing is { Count: > 0 } failing)
            {
                return Task.FromResult(HealthCheckResult.Unhealthy(
                    "Dead-letter publishing fails; the partitions wait while it is retried: "
                    + string.Join("; ", failing.Select(entry => $"{entry.Key}: {entry.Value}")) + "." + parked,
                    data: data));
            }

            var degraded = new List<string>();
            var full = _parked.Where(entry => entry.Value.Full).Select(entry => entry.Key).ToArray();
            if (full.Length > 0)
            {
                degraded.Add($"Paused until their parked events drain (Consumer:MaxParkedPerPartition): {string.Join(", ", full)}.");
            }

            if (_parked.Count > 0 && usersTopic.Unreadable is { } unreadable)
            {
                degraded.Add(
                    $"Kafka cannot tell how far the users topic has been consumed since {unreadable.Since:O} ({unreadable.LastError}): "
                    + "the budgets of the parked orders do not start until it can.");
            }

            return Task.FromResult(degraded.Count > 0
                ? HealthCheckResult.Degraded(string.Join(" ", degraded) + parked, data: data)
                : HealthCheckResult.Healthy(parked.Length == 0 ? null : parked.TrimStart(), data));
        }
    }
}
