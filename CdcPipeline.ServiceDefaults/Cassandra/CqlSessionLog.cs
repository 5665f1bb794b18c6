using Microsoft.Extensions.Logging;

namespace CdcPipeline.ServiceDefaults.Cassandra;

internal static partial class CqlSessionLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Connected to Cassandra at {Endpoint}")]
    public static partial void Connected(ILogger logger, string endpoint);

    // Debug: the caller, who retries the request (or gives up), tells the outage once.
    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "Connecting to Cassandra failed (attempt {Attempt}), retrying in {Delay}: {Reason}")]
    public static partial void ConnectRetry(ILogger logger, int attempt, TimeSpan delay, string reason);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Cassandra no longer knows a prepared statement; re-preparing {Query}")]
    public static partial void Reprepare(ILogger logger, string query);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "The connection to Cassandra at {Endpoint} is closed; the next request reconnects")]
    public static partial void ConnectionLost(ILogger logger, string endpoint);
}
