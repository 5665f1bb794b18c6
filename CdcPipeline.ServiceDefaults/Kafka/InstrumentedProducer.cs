using System.Diagnostics;
using Confluent.Kafka;

namespace CdcPipeline.ServiceDefaults.Kafka;

/// <summary>
/// The producer services get from <c>AddKafkaProducer</c>: every produce starts a <c>send {topic}</c> span whose
/// W3C trace context travels in the message headers, and is counted as produced or failed.
/// </summary>
internal sealed class InstrumentedProducer<TKey, TValue>(IProducer<TKey, TValue> inner, bool tracing, KafkaTelemetry? metrics)
    : IProducer<TKey, TValue>
{
    public Handle Handle => inner.Handle;

    public string Name => inner.Name;

    public Task<DeliveryResult<TKey, TValue>> ProduceAsync(
        string topic, Message<TKey, TValue> message, CancellationToken cancellationToken = default) =>
        ProduceAsync(topic, null, message, m => inner.ProduceAsync(topic, m, cancellationToken));

    public Task<DeliveryResult<TKey, TValue>> ProduceAsync(
        TopicPartition topicPartition, Message<TKey, TValue> message, CancellationToken cancellationToken = default) =>
        ProduceAsync(topicPartition.Topic, topicPartition.Partition, message, m => inner.ProduceAsync(topicPartition, m, cancellationToken));

    private async Task<DeliveryResult<TKey, TValue>> ProduceAsync(
        string topic,
        Partition? partition,
        Message<TKey, TValue> message,
        Func<Message<TKey, TValue>, Task<DeliveryResult<TKey, TValue>>> produce)
    {
        using var activity = Start(topic, partition, message);
        try
        {
            var result = await produce(message).ConfigureAwait(false);
            Delivered(activity, result.Topic, result.TopicPartitionOffset, null);
            return result;
        }
        catch (ProduceException<TKey, TValue> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
        {
            NotQueued(activity);
            throw;
        }
        catch (ProduceException<TKey, TValue> e)
        {
            Delivered(activity, topic, null, e.Error);
            throw;
        }
    }

    public void Produce(string topic, Message<TKey, TValue> message, Action<DeliveryReport<TKey, TValue>>? deliveryHandler = null) =>
        Produce(topic, null, message, deliveryHandler, (m, handler) => inner.Produce(topic, m, handler));

    public void Produce(TopicPartition topicPartition, Message<TKey, TValue> message, Action<DeliveryReport<TKey, TValue>>? deliveryHandler = null) =>
        Produce(topicPartition.Topic, topicPartition.Partition, message, deliveryHandler, (m, handler) => inner.Produce(topicPartition, m, handler));

    private void Produce(
        string topic,
        Partition? partition,
        Message<TKey, TValue> message,
        Action<DeliveryReport<TKey, TValue>>? deliveryHandler,
        Action<Message<TKey, TValue>, Action<DeliveryReport<TKey, TValue>>> produce)
    {
        var previous = Activity.Current;
        var activity = Start(topic, partition, message);
        // The span ends on librdkafka's delivery thread; the caller's thread goes on with its own context.
        Activity.Current = previous;
        try
        {
            produce(message, report =>
            {
                Delivered(activity, topic, report.TopicPartitionOffset, report.Error);
                var current = Activity.Current;
                activity?.Stop();
                Activity.Current = current;
                deliveryHandler?.Invoke(report);
            });
        }
        catch (ProduceException<TKey, TValue> refused) when (refused.Error.Code == ErrorCode.Local_QueueFull)
        {
            NotQueued(activity);
            throw;
        }
        catch (Exception e)
        {
            if (e is ProduceException<TKey, TValue> refused)
            {
                Delivered(activity, topic, null, refused.Error);
            }

            activity?.Stop();
            throw;
        }
    }

    /// <summary>
    /// The local queue was full: nothing was sent and the caller is expected to try again (with a new span), so this
    /// attempt is neither a failure nor a span worth exporting.
    /// </summary>
    private static void NotQueued(Activity? activity)
    {
        if (activity is null)
        {
            return;
        }

        activity.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
        activity.IsAllDataRequested = false;
        activity.Stop();
    }

    private Activity? Start(string topic, Partition? partition, Message<TKey, TValue> message)
    {
        message.Headers ??= [];
        if (!tracing)
        {
            // No span of our own, but the trace the caller is in still travels with the message.
            if (Activity.Current is { } ambient)
            {
                KafkaTraceContext.Inject(ambient, message.Headers);
            }

            return null;
        }

        return KafkaActivities.StartSend(topic, partition?.Value, message.Key, message.Headers);
    }

    private void Delivered(Activity? activity, string topic, TopicPartitionOffset? stored, Error? error)
    {
        KafkaActivities.Complete(activity, error is { IsError: true } ? null : stored, error);
        if (metrics is null)
        {
            return;
        }

        var destination = new KeyValuePair<string, object?>(KafkaTelemetry.DestinationTag, topic);
        var system = new KeyValuePair<string, object?>(KafkaTelemetry.SystemTag, KafkaTelemetry.System);
        if (error is { IsError: true })
        {
            metrics.ProduceFailures.Add(1, system, destination, new(KafkaTelemetry.ErrorTypeTag, error.Code.ToString()));
        }
        else
        {
            metrics.MessagesProduced.Add(1, system, destination);
        }
    }

    public int AddBrokers(string brokers) => inner.AddBrokers(brokers);

    public void SetSaslCredentials(string username, string password) => inner.SetSaslCredentials(username, password);

    public int Poll(TimeSpan timeout) => inner.Poll(timeout);

    public int Flush(TimeSpan timeout) => inner.Flush(timeout);

    public void Flush(CancellationToken cancellationToken = default) => inner.Flush(cancellationToken);

    public void InitTransactions(TimeSpan timeout) => inner.InitTransactions(timeout);

    public void BeginTransaction() => inner.BeginTransaction();

    public void CommitTransaction(TimeSpan timeout) => inner.CommitTransaction(timeout);

    public void CommitTransaction() => inner.CommitTransaction();

    public void AbortTransaction(TimeSpan timeout) => inner.AbortTransaction(timeout);

    public void AbortTransaction() => inner.AbortTransaction();

    public void SendOffsetsToTransaction(IEnumerable<TopicPartitionOffset> offsets, IConsumerGroupMetadata groupMetadata, TimeSpan timeout) =>
        inner.SendOffsetsToTransaction(offsets, groupMetadata, timeout);

    public void Dispose() => inner.Dispose();
}
