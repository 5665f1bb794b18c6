using System.Globalization;
using CdcPipeline.Capture.Options;
using CdcPipeline.Capture.Telemetry;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace CdcPipeline.Capture.Hosting;

/// <summary>
/// The health check <c>capture</c>: healthy while the slot is streamed (or being snapshotted) within
/// <c>Capture:MaxHealthyLag</c>; unhealthy, with the reason, before the stream is connected, while PostgreSQL or Kafka
/// is unavailable, when the lag or Kafka's silence exceeds the limit, and after a fatal error.
/// </summary>
internal sealed class CaptureHealth(ReplicationProgress progress, IOptions<CaptureOptions> options, TimeProvider clock) : IHealthCheck
{
    private readonly Lock _gate = new();
    private string _state = "starting: the replication slot has not been checked yet";
    private bool _connected;
    private string? _interruption;
    private DateTimeOffset _interruptedSince;
    private string? _fatal;

    public void Snapshotting(string slot, int tableIndex, int tables)
    {
        lock (_gate)
        {
            _state = string.Create(CultureInfo.InvariantCulture, $"snapshotting slot {slot}: table {tableIndex} of {tables}");
            _connected = true;
            _interruption = null;
        }
    }

    public void Streaming(string slot)
    {
        lock (_gate)
        {
            _state = $"streaming slot {slot}";
            _connected = true;
            _interruption = null;
        }
    }

    /// <summary>The session failed and is retried; <paramref name="reason"/> names what is wrong.</summary>
    public void Interrupted(string reason)
    {
        lock (_gate)
        {
            if (_interruption is null)
            {
                _interruptedSince = clock.GetUtcNow();
            }

            _interruption = reason;
            _connected = false;
        }
    }

    public void Failed(string reason)
    {
        lock (_gate)
        {
            _fatal = reason;
            _connected = false;
        }
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var limit = options.Value.MaxHealthyLag;
        lock (_gate)
        {
            if (_fatal is not null)
            {
                return Task.FromResult(HealthCheckResult.Unhealthy($"The capture stopped: {_fatal}"));
            }

            if (_interruption is not null)
            {
                return Task.FromResult(HealthCheckResult.Unhealthy(
                    $"Capture interrupted since {_interruptedSince:O}, retried with backoff; nothing is skipped: {_interruption}"));
            }

            if (!_connected)
            {
                return Task.FromResult(HealthCheckResult.Unhealthy($"The capture is {_state}."));
            }

            var waiting = progress.KafkaWaiting;
            if (waiting > limit)
            {
                return Task.FromResult(HealthCheckResult.Unhealthy(
                    $"Kafka has acknowledged no record for {waiting:c} while records wait (Capture:MaxHealthyLag is {limit:c}); {_state}."));
            }

            var lag = progress.LagTime;
            if (lag > limit)
            {
                return Task.FromResult(HealthCheckResult.Unhealthy(
                    $"Replication lag {lag:c} exceeds Capture:MaxHealthyLag ({limit:c}): {progress.LagBytes} bytes of WAL not yet confirmed; {_state}."));
            }

            return Task.FromResult(HealthCheckResult.Healthy(
                string.Create(CultureInfo.InvariantCulture, $"The capture is {_state}; lag {progress.LagBytes} bytes, {lag.TotalSeconds:0.###} s.")));
        }
    }
}
