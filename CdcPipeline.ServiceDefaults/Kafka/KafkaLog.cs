using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace CdcPipeline.ServiceDefaults.Kafka;

/// <summary>librdkafka's log lines and client errors, written to the host's logging.</summary>
internal static partial class KafkaLog
{
    public const string Category = "CdcPipeline.Kafka";

    [LoggerMessage(EventId = 1, Message = "librdkafka {Client} [{Facility}] {Text}")]
    private static partial void Native(ILogger logger, LogLevel level, string client, string facility, string text);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Kafka client {Client} reported {Code}: {Reason}")]
    private static partial void ClientError(ILogger logger, string client, ErrorCode code, string reason);

    [LoggerMessage(EventId = 3, Level = LogLevel.Critical, Message = "Kafka client {Client} reported fatal error {Code}: {Reason}")]
    private static partial void FatalError(ILogger logger, string client, ErrorCode code, string reason);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Could not read the statistics of Kafka client {Client}")]
    public static partial void StatisticsUnreadable(ILogger logger, string client, Exception error);

    public static void Write(ILogger logger, LogMessage message) =>
        Native(logger, (LogLevel)message.LevelAs(LogLevelType.MicrosoftExtensionsLogging), message.Name, message.Facility, message.Message);

    public static void Write(ILogger logger, string client, Error error)
    {
        if (error.IsFatal)
        {
            FatalError(logger, client, error.Code, error.Reason);
        }
        else
        {
            ClientError(logger, client, error.Code, error.Reason);
        }
    }
}
