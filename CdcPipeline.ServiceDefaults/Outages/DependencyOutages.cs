using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace CdcPipeline.ServiceDefaults.Outages;

/// <summary>
/// The process's outages by dependency name, so that every client and worker failing on one dependency (a Kafka
/// producer and consumer on one broker, the capture's session) adds to one outage, told once.
/// </summary>
public sealed class DependencyOutages(ILoggerFactory loggers, TimeProvider time)
{
    public const string LogCategory = "CdcPipeline.Outages";

    private readonly ConcurrentDictionary<string, DependencyOutage> _byDependency = new(StringComparer.Ordinal);
    private readonly ILogger _logger = loggers.CreateLogger(LogCategory);
    private readonly TimeProvider _time = time;

    /// <summary>A dependency as its outages are named: <c>Kafka at localhost:9092</c>.</summary>
    public static string Name(string system, string address) => $"{system} at {address}";

    /// <summary>The outage of <paramref name="dependency"/> (<c>Kafka at localhost:9092</c>), created on first use.</summary>
    public DependencyOutage For(string dependency) =>
        _byDependency.GetOrAdd(dependency, static (name, self) => new DependencyOutage(name, self._logger, self._time), this);

    /// <summary>Ends the outage of <paramref name="dependency"/> if one is going on; creates none.</summary>
    public void Succeeded(string dependency)
    {
        if (_byDependency.TryGetValue(dependency, out var outage))
        {
            outage.Succeeded();
        }
    }
}
