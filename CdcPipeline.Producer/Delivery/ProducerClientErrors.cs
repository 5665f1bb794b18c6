using Confluent.Kafka;

namespace CdcPipeline.Producer.Delivery;

/// <summary>
/// Errors librdkafka reports for the producer client as a whole. Most are transient (a broker down, a connection
/// lost) and the client retries on its own; a fatal one (for instance the idempotent producer losing its id) means
/// nothing more can be sent, so the run ends.
/// </summary>
internal sealed partial class ProducerClientErrors(ILogger<ProducerClientErrors> logger)
{
    private Error? _fatal;

    public Error? Fatal => Volatile.Read(ref _fatal);

    public void Report(string client, Error error)
    {
        if (error.IsFatal)
        {
            Interlocked.CompareExchange(ref _fatal, error, null);
            LogFatal(logger, client, error.Code, error.Reason);
        }
        else
        {
            LogTransient(logger, client, error.Code, error.Reason);
        }
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "Kafka producer {Client} failed fatally, no more events can be sent: {ErrorCode} {Reason}")]
    private static partial void LogFatal(ILogger logger, string client, ErrorCode errorCode, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kafka producer {Client} reported {ErrorCode} {Reason}; it retries until the delivery timeout")]
    private static partial void LogTransient(ILogger logger, string client, ErrorCode errorCode, string reason);
}
