using Microsoft.Extensions.Logging;

namespace CdcPipeline.ServiceDefaults.Outages;

/// <summary>
/// What a person reads while a dependency fails: the first failure once, then at most one summary per
/// <see cref="SummaryInterval"/> while failures go on (how long, how many attempts, the last reason), and one line
/// when it works again. Expected, handled failures are logged without a stack trace. Safe to call from any thread;
/// several callers of one dependency (workers, clients) share one instance, so its outage is told once.
/// </summary>
public sealed class DependencyOutage
{
    public static readonly TimeSpan DefaultSummaryInterval = TimeSpan.FromSeconds(30);

    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private int _attempts;
    private DateTimeOffset _since;
    private DateTimeOffset _lastLogged;

    /// <param name="dependency">What failed, as a person names it: <c>Kafka at localhost:9092</c>.</param>
    public DependencyOutage(string dependency, ILogger logger, TimeProvider time, TimeSpan? summaryInterval = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dependency);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(time);
        Dependency = dependency;
        _logger = logger;
        _time = time;
        SummaryInterval = summaryInterval ?? DefaultSummaryInterval;
    }

    public string Dependency { get; }

    public TimeSpan SummaryInterval { get; }

    /// <summary>Whether a failure was reported and no success since.</summary>
    public bool IsOngoing
    {
        get
        {
            lock (_gate)
            {
                return _attempts > 0;
            }
        }
    }

    /// <summary>One failed attempt: logged if it starts the outage, summarised if the last line is a summary period old.</summary>
    public void Failed(string reason)
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            _attempts++;
            if (_attempts == 1)
            {
                _since = _lastLogged = now;
                DependencyOutageLog.Started(_logger, Dependency, reason, OutageDuration.Format(SummaryInterval));
            }
            else if (now - _lastLogged >= SummaryInterval)
            {
                _lastLogged = now;
                DependencyOutageLog.Lasting(_logger, Dependency, OutageDuration.Format(now - _since), _attempts, reason);
            }
        }
    }

    /// <summary>The dependency works: ends an outage going on with one line; nothing when there is none.</summary>
    public void Succeeded()
    {
        lock (_gate)
        {
            if (_attempts == 0)
            {
                return;
            }

            DependencyOutageLog.Ended(_logger, Dependency, OutageDuration.Format(_time.GetUtcNow() - _since), _attempts);
            _attempts = 0;
        }
    }
}
