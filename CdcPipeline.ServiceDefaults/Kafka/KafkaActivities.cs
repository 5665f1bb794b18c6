using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;
using OpenTelemetry;

namespace CdcPipeline.ServiceDefaults.Kafka;

/// <summary>Spans of Kafka work, named and tagged by the OpenTelemetry messaging conventions.</summary>
public static class KafkaActivities
{
    /// <summary>
    /// Starts the consumer-side <c>process {topic}</c> span as a child of the trace context the producer
    /// wrote into the message headers, so one trace follows the event across Kafka; the headers' baggage
    /// becomes the current baggage.
    /// </summary>
    public static Activity? StartProcess<TKey, TValue>(ConsumeResult<TKey, TValue> result, string? consumerGroup) =>
        StartProcess(result, consumerGroup, parentWithoutHeader: default);

    /// <summary>
    /// Starts <c>process {topic}</c> as a child of the trace context in the message headers or, when they carry none,
    /// of <paramref name="parentWithoutHeader"/> (e.g. a trace context the message's value carries).
    /// </summary>
    public static Activity? StartProcess<TKey, TValue>(
        ConsumeResult<TKey, TValue> result, string? consumerGroup, ActivityContext parentWithoutHeader)
    {
        ArgumentNullException.ThrowIfNull(result);
        var propagated = KafkaTraceContext.Extract(result.Message?.Headers);
        Baggage.Current = propagated.Baggage;
        var parent = propagated.ActivityContext == default ? parentWithoutHeader : propagated.ActivityContext;
        var activity = KafkaTelemetry.ActivitySource.StartActivity($"process {result.Topic}", ActivityKind.Consumer, parent);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(KafkaTelemetry.SystemTag, KafkaTelemetry.System);
            activity.SetTag("messaging.operation.name", "process");
            activity.SetTag("messaging.operation.type", "process");
            activity.SetTag(KafkaTelemetry.DestinationTag, result.Topic);
            activity.SetTag(KafkaTelemetry.PartitionTag, result.Partition.Value.ToString(CultureInfo.InvariantCulture));
            activity.SetTag("messaging.kafka.offset", result.Offset.Value);
            if (consumerGroup is not null)
            {
                activity.SetTag(KafkaTelemetry.GroupTag, consumerGroup);
            }

            if (result.Message is { Key: string key })
            {
                activity.SetTag("messaging.kafka.message.key", key);
            }
        }

        return activity;
    }

    /// <summary>
    /// Starts the producer-side <c>send {topic}</c> span and writes its trace context (or the ambient one,
    /// when nobody listens) into <paramref name="headers"/>.
    /// </summary>
    internal static Activity? StartSend(string topic, int? partition, object? key, Headers headers)
    {
        var activity = KafkaTelemetry.ActivitySource.StartActivity($"send {topic}", ActivityKind.Producer);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(KafkaTelemetry.SystemTag, KafkaTelemetry.System);
            activity.SetTag("messaging.operation.name", "send");
            activity.SetTag("messaging.operation.type", "send");
            activity.SetTag(KafkaTelemetry.DestinationTag, topic);
            if (partition is { } p)
            {
                activity.SetTag(KafkaTelemetry.PartitionTag, p.ToString(CultureInfo.InvariantCulture));
            }

            if (key is string text)
            {
                activity.SetTag("messaging.kafka.message.key", text);
            }
        }

        if ((activity ?? Activity.Current) is { } context)
        {
            KafkaTraceContext.Inject(context, headers);
        }

        return activity;
    }

    /// <summary>Records where the broker stored the message, or why it did not.</summary>
    internal static void Complete(Activity? activity, TopicPartitionOffset? stored, Error? error)
    {
        if (activity is null)
        {
            return;
        }

        if (stored is not null)
        {
            activity.SetTag(KafkaTelemetry.PartitionTag, stored.Partition.Value.ToString(CultureInfo.InvariantCulture));
            activity.SetTag("messaging.kafka.offset", stored.Offset.Value);
        }

        if (error is { IsError: true })
        {
            activity.SetTag(KafkaTelemetry.ErrorTypeTag, error.Code.ToString());
            activity.SetStatus(ActivityStatusCode.Error, error.Reason);
        }
    }
}
