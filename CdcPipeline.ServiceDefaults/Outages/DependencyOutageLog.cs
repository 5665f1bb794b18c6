using Microsoft.Extensions.Logging;

namespace CdcPipeline.ServiceDefaults.Outages;

internal static partial class DependencyOutageLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "{Dependency} unavailable: {Reason} (retrying; a summary every {Interval} while it lasts)")]
    public static partial void Started(ILogger logger, string dependency, string reason, string interval);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "{Dependency} unavailable for {Duration}, {Attempts} attempts: {Reason}")]
    public static partial void Lasting(ILogger logger, string dependency, string duration, int attempts, string reason);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "{Dependency} available again after {Duration} ({Attempts} failed attempts)")]
    public static partial void Ended(ILogger logger, string dependency, string duration, int attempts);
}
