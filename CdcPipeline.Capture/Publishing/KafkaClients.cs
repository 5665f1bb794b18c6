using Confluent.Kafka;

namespace CdcPipeline.Capture.Publishing;

/// <summary>
/// The capture's one Kafka producer (registered by <c>AddKafkaProducer</c>: traced, counted, idempotent, acks=all),
/// and an untraced view on the same client for the records that must carry no headers (heartbeats, offsets) — so no
/// second connection to the cluster.
/// </summary>
internal sealed class KafkaClients(IProducer<byte[]?, byte[]?> producer) : IDisposable
{
    private readonly Lazy<IProducer<byte[]?, byte[]?>> _untraced =
        new(() => new DependentProducerBuilder<byte[]?, byte[]?>(producer.Handle).Build());

    public IProducer<byte[]?, byte[]?> Changes => producer;

    public IProducer<byte[]?, byte[]?> Untraced => _untraced.Value;

    public Handle Handle => producer.Handle;

    public void Dispose()
    {
        if (_untraced.IsValueCreated)
        {
            _untraced.Value.Dispose();
        }
    }
}
