using Confluent.Kafka;

namespace CdcPipeline.Producer.Delivery;

/// <summary>
/// Remembers the first fatal error librdkafka reports for the producer client (for instance the idempotent
/// producer losing its id): nothing more can be sent, so the run ends. The Kafka integration logs every client
/// error; transient ones the client retries on its own.
/// </summary>
internal sealed class ProducerClientErrors
{
    private Error? _fatal;

    public Error? Fatal => Volatile.Read(ref _fatal);

    public void Report(Error error)
    {
        if (error.IsFatal)
        {
            Interlocked.CompareExchange(ref _fatal, error, null);
        }
    }
}
