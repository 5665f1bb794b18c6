using CdcPipeline.Events;
using CdcPipeline.Producer.Generation;
using CdcPipeline.Producer.Telemetry;
using Confluent.Kafka;

namespace CdcPipeline.Producer.Delivery;

/// <summary>
/// Hands events to the idempotent Kafka producer and counts each acknowledgement and each failure. The client
/// retries transient errors itself until its delivery timeout; what fails after that is counted, never dropped silently.
/// An event that must follow events of the other topic (an order after its user) is held back until they settled,
/// so that an order never reaches Kafka before its user, however long a broker holds the user back; only that event
/// and the later ones of its key wait, every other event goes on (<see cref="KeyOrder"/>).
/// </summary>
internal sealed class EventSender(
    IProducer<string, byte[]> producer,
    ProducerClientErrors clientErrors,
    ProducerTelemetry telemetry,
    ILogger<EventSender> logger)
{
    /// <summary>Events held back at most at once; beyond it the send loop waits, as it does when the client's queue is full.</summary>
    public const int MaxHeldBack = 10_000;

    private const int FailuresLoggedOneByOne = 10;
    private static readonly TimeSpan QueueFullBackoff = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan FlushStep = TimeSpan.FromMilliseconds(100);

    private readonly KeyOrder _order = new();
    private readonly SemaphoreSlim _heldBackSlots = new(MaxHeldBack, MaxHeldBack);
    private long _produced;
    private long _delivered;
    private long _failed;
    private long _heldBack;

    /// <summary>Produced counts every accepted event, held back or handed to the client.</summary>
    public DeliverySummary Summary => new(
        Interlocked.Read(ref _produced), Interlocked.Read(ref _delivered), Interlocked.Read(ref _failed));

    /// <summary>
    /// Accepts the event: hands it to the client at once, or holds it back until the events it follows settled.
    /// Waits while the client's local queue is full or <see cref="MaxHeldBack"/> events are held back.
    /// </summary>
    /// <exception cref="KafkaException">The producer failed fatally: the event was not sent and no other will be.</exception>
    public async ValueTask SendAsync(string topic, GeneratedEvent generated, CancellationToken cancellationToken)
    {
        if (clientErrors.Fatal is { } fatal)
        {
            throw new KafkaException(fatal);
        }

        if (_heldBackSlots.CurrentCount == 0)
        {
            // Only this loop takes slots, so one is still free when the event below needs it.
            await _heldBackSlots.WaitAsync(cancellationToken).ConfigureAwait(false);
            _heldBackSlots.Release();
        }

        // Counted when accepted: its delivery report may arrive before Produce returns, and in-flight
        // (produced - delivered - failed) must never go below zero.
        Interlocked.Increment(ref _produced);
        var pending = _order.Accept(generated.Key, generated.After, out var wait);
        if (wait is null)
        {
            await HandOverAsync(topic, generated, pending).ConfigureAwait(false);
            return;
        }

        await _heldBackSlots.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        Interlocked.Increment(ref _heldBack);
        // Runs on its own; its failures are counted where they happen.
        _ = HoldBackAsync(topic, generated, pending, wait);
    }

    /// <summary>
    /// Waits until every accepted event is handed over and acknowledged or failed, or until <paramref name="timeout"/>.
    /// </summary>
    public DeliverySummary Flush(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        TimeSpan Left(TimeSpan most) => TimeSpan.FromTicks(Math.Clamp((deadline - DateTime.UtcNow).Ticks, 0, most.Ticks));

        // Held-back events go once the events they follow settle; the count falls only after the event was handed
        // over, so the final flush below covers every one of them.
        while (Interlocked.Read(ref _heldBack) > 0 && DateTime.UtcNow < deadline)
        {
            if (producer.Flush(Left(FlushStep)) == 0)
            {
                // Nothing in flight: the held-back events' dependencies settled, their hand-over is under way.
                Thread.Sleep(1);
            }
        }

        var heldBack = Interlocked.Read(ref _heldBack);
        var remaining = producer.Flush(Left(timeout));
        if (remaining > 0 || heldBack > 0)
        {
            logger.FlushTimedOut((int)Math.Min(int.MaxValue, remaining + heldBack), timeout);
        }

        return Summary;
    }

    private async Task HoldBackAsync(string topic, GeneratedEvent generated, PendingEvent pending, Task wait)
    {
        try
        {
            await wait.ConfigureAwait(false);
            await HandOverAsync(topic, generated, pending).ConfigureAwait(false);
        }
        catch (KafkaException)
        {
            // Fatal: counted as a failure, and the next SendAsync reports it to the send loop.
        }
        finally
        {
            Interlocked.Decrement(ref _heldBack);
            _heldBackSlots.Release();
        }
    }

    private async ValueTask HandOverAsync(string topic, GeneratedEvent generated, PendingEvent pending)
    {
        var message = new Message<string, byte[]> { Key = generated.Key, Value = generated.Json };
        while (true)
        {
            try
            {
                producer.Produce(topic, message, report => OnDeliveryReport(report, generated.Type, pending));
                pending.MarkHandedOver();
                return;
            }
            catch (ProduceException<string, byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                // Not queued yet: tried again after a pause; the later events of its key wait for it.
                await Task.Delay(QueueFullBackoff).ConfigureAwait(false);
            }
            catch (KafkaException e)
            {
                // Refused before it was queued: counted as a failed delivery. After a fatal error nothing more can be sent.
                _order.Settled(pending);
                RecordFailure(topic, generated.Key, generated.Type, e.Error);
                if (e.Error.IsFatal)
                {
                    throw;
                }

                return;
            }
        }
    }

    private void OnDeliveryReport(DeliveryReport<string, byte[]> report, EventType type, PendingEvent pending)
    {
        _order.Settled(pending);
        if (report.Error.IsError)
        {
            RecordFailure(report.Topic, report.Message.Key, type, report.Error);
            return;
        }

        Interlocked.Increment(ref _delivered);
        telemetry.RecordSent(report.Topic, type);
        logger.Delivered(type, report.Message.Key, report.Topic, report.Partition.Value, report.Offset.Value);
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
