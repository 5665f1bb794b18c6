using CdcPipeline.Consumer.Telemetry;
using Confluent.Kafka;

namespace CdcPipeline.Consumer.Hosting;

internal static class StoredOffsets
{
    /// <summary>Commits the offsets stored so far; a failed commit is logged, since the next one covers it.</summary>
    public static void Commit(IConsumer<byte[]?, byte[]?> consumer, ILogger logger)
    {
        try
        {
            consumer.Commit();
        }
        catch (KafkaException exception) when (exception.Error.Code == ErrorCode.Local_NoOffset)
        {
            // Nothing stored since the last commit.
        }
        catch (KafkaException exception)
        {
            logger.CommitFailed(exception.Error.Reason);
        }
    }
}
