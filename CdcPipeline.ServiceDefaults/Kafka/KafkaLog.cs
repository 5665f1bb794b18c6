using CdcPipeline.ServiceDefaults.Outages;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace CdcPipeline.ServiceDefaults.Kafka;

/// <summary>
/// librdkafka's log lines and client errors, written to the host's logging. A broker's connection failure arrives
/// twice, as a <c>FAIL</c> log line and as a client error: the error is told through its broker's outage
/// (<see cref="KafkaBrokerOutages"/>), the log line only at Debug.
/// </summary>
internal static partial class KafkaLog
{
    public const string Category = "CdcPipeline.Kafka";

    private const string ConnectionFailureFacility = "FAIL";

    [LoggerMessage(EventId = 1, Message = "librdkafka {Client} [{Facility}] {Text}")]
    private static partial void Native(ILogger logger, LogLevel level, string client, string facility, string text);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Kafka client {Client} reported {Code}: {Reason}")]
    private static partial void ClientError(ILogger logger, string client, ErrorCode code, string reason);

    [LoggerMessage(EventId = 3, Level = LogLevel.Critical, Message = "Kafka client {Client} reported fatal error {Code}: {Reason}")]
    private static partial void FatalError(ILogger logger, string client, ErrorCode code, string reason);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Could not read the statistics of Kafka client {Client}")]
    public static partial void StatisticsUnreadable(ILogger logger, string client, Exception error);

    [LoggerMessage(EventId = 5, Level = LogLevel.Debug, Message = "Kafka client {Client} reported {Code}: {Reason}")]
    private static partial void ConnectionError(ILogger logger, string client, ErrorCode code, string reason);

    public static void Write(ILogger logger, LogMessage message)
    {
        var level = message.Facility == ConnectionFailureFacility
            ? LogLevel.Debug
            : (LogLevel)message.LevelAs(LogLevelType.MicrosoftExtensionsLogging);
        Native(logger, level, message.Name, message.Facility, message.Message);
    }

    public static void Write(ILogger logger, DependencyOutages outages, string bootstrapServers, string client, Error error)
    {
        if (error.IsFatal)
        {
            FatalError(logger, client, error.Code, error.Reason);
        }
        else if (KafkaBrokerOutages.TryReport(outages, bootstrapServers, error))
        {
            ConnectionError(logger, client, error.Code, error.Reason);
        }
        else
        {
            ClientError(logger, client, error.Code, error.Reason);
        }
    }
}
