using CdcPipeline.Capture.Telemetry;

namespace CdcPipeline.Capture.Hosting;

/// <summary>
/// Logs an interruption once when it starts, then at most a summary a minute while it lasts, and once when the
/// capture is streaming again; the health check shows the current reason all along.
/// </summary>
internal sealed class InterruptionReport(CaptureHealth health, TimeProvider clock, ILogger<InterruptionReport> logger)
{
    private static readonly TimeSpan SummaryInterval = TimeSpan.FromMinutes(1);

    private readonly Lock _gate = new();
    private int _attempts;
    private DateTimeOffset _since;
    private DateTimeOffset _lastLogged;

    public void Failed(Exception exception, TimeSpan maxDelay)
    {
        var reason = Describe(exception);
        health.Interrupted(reason);
        var now = clock.GetUtcNow();
        lock (_gate)
        {
            _attempts++;
            if (_attempts == 1)
            {
                _since = _lastLogged = now;
                logger.Interrupted(maxDelay, reason);
            }
            else if (now - _lastLogged >= SummaryInterval)
            {
                _lastLogged = now;
                logger.StillInterrupted(_attempts, now - _since, reason);
            }
        }
    }

    public void Connected()
    {
        lock (_gate)
        {
            if (_attempts > 0)
            {
                logger.Resumed(_attempts, clock.GetUtcNow() - _since);
            }

            _attempts = 0;
        }
    }

    public static string Describe(Exception exception) =>
        exception switch
        {
            Npgsql.PostgresException postgres => $"PostgreSQL error {postgres.SqlState}: {postgres.MessageText}",
            Npgsql.NpgsqlException npgsql => $"PostgreSQL unavailable: {npgsql.Message}{(npgsql.InnerException is { } inner ? $" ({inner.Message})" : string.Empty)}",
            Confluent.Kafka.KafkaException kafka => $"Kafka unavailable: {kafka.Error.Code} {kafka.Error.Reason}",
            _ => exception.Message,
        };
}
