using CdcPipeline.Events;
using CdcPipeline.Producer.Generation;
using CdcPipeline.Producer.Telemetry;
using Confluent.Kafka;

namespace CdcPipeline.Producer.Delivery;

/// <summary>
/// Hands events to the idempotent Kafka producer and counts each acknowledgement and each failure. The client
/// retries transient errors itself until its delivery timeout; what fails after that is counted, never dropped silently.
/// An event is handed over only once the events of the other topic it follows have settled, so that an order never
/// reaches Kafka before its user, however long a broker holds the user back.
/// </summary>
internal sealed class EventSender(
    IProducer<string, byte[]> producer,
    ProducerClientErrors clientErrors,
    ProducerTelemetry telemetry,
    ILogger<EventSender> logger)
{
    private const int FailuresLoggedOneByOne = 10;
    private static readonly TimeSpan QueueFullBackoff = TimeSpan.FromMilliseconds(50);

    private readonly UnacknowledgedKeys _unacknowledged = new();
    private long _produced;
    private long _delivered;
    private long _failed;

    public DeliverySummary Summary => new(
        Interlocked.Read(ref _produced), Interlocked.Read(ref _delivered), Interlocked.Read(ref _failed));

    /// <summary>
    /// Queues the event for sending, after the events it follows have settled; waits while the client's local queue
    /// is full.
    /// </summary>
    /// <exception cref="KafkaException">The producer failed fatally: the event was not sent and no other will be.</exception>
    /// <exception cref="OperationCanceledException">Stopped while the event waited for the ones it follows: not sent.</exception>
    public async ValueTask SendAsync(string topic, GeneratedEvent generated, CancellationToken cancellationToken)
    {
        if (clientErrors.Fatal is { } fatal)
        {
            throw new KafkaException(fatal);
        }

        if (generated.After.Count > 0)
        {
            await _unacknowledged.WhenSettledAsync(generated.After, cancellationToken).ConfigureAwait(false);
        }

        var message = new Message<string, byte[]> { Key = generated.Key, Value = generated.Json };
        while (true)
        {
            // Counted before Produce: its delivery report may arrive before Produce returns, and in-flight
            // (produced - delivered - failed) must never go below zero.
            Interlocked.Increment(ref _produced);
            _unacknowledged.Sent(generated.Key);
            try
            {
                producer.Produce(topic, message, report => OnDeliveryReport(report, generated.Type));
                return;
            }
            catch (ProduceException<string, byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                // Not queued: not produced yet; tried again after a pause.
                Interlocked.Decrement(ref _produced);
                _unacknowledged.Settled(generated.Key);
                await Task.Delay(QueueFullBackoff).ConfigureAwait(false);
            }
            catch (KafkaException e)
            {
                // Refused before it was queued: counted as a failed delivery. After a fatal error nothing more can be sent.
                _unacknowledged.Settled(generated.Key);
                RecordFailure(topic, generated.Key, generated.Type, e.Error);
                if (e.Error.IsFatal)
                {
                    throw;
                }

                return;
            }
        }
    }

    /// <summary>Waits until every queued event is acknowledged or failed, or until <paramref name="timeout"/>.</summary>
    public DeliverySummary Flush(TimeSpan timeout)
    {
        var remaining = producer.Flush(timeout);
        if (remaining > 0)
        {
            logger.FlushTimedOut(remaining, timeout);
        }

        return Summary;
    }

    private void OnDeliveryReport(DeliveryReport<string, byte[]> report, EventType type)
    {
        _unacknowledged.Settled(report.Message.Key);
        if (report.Error.IsError)
        {
            RecordFailure(report.Topic, report.Message.Key, type, report.Error);
            return;
        }

        Interlocked.Increment(ref _delivered);
        telemetry.RecordSent(report.Topic, type);
    }

    private void RecordFailure(string topic, string key, EventType type, Error error)
    {
        var failures = Interlocked.Increment(ref _failed);
        telemetry.RecordFailed(topic, type, error.Code.ToString());
        if (failures <= FailuresLoggedOneByOne)
        {
            logger.DeliveryFailed(type, key, topic, error.Code, error.Reason);
        }
        else if (failures == FailuresLoggedOneByOne + 1)
        {
            logger.FurtherFailuresCounted(FailuresLoggedOneByOne);
        }
    }
}
