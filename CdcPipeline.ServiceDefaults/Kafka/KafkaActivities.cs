using System.Diagnostics;
using Confluent.Kafka;

namespace CdcPipeline.ServiceDefaults.Kafka;

/// <summary>Spans of Kafka work, named and tagged by the OpenTelemetry messaging conventions.</summary>
public static class KafkaActivities
{
    /// <summary>
    /// Starts the consumer-side <c>process {topic}</c> span as a child of the trace context the producer
    /// wrote into the message headers, so one trace follows the event across Kafka.
    /// </summary>
    public static Activity? StartProcess<TKey, TValue>(ConsumeResult<TKey, TValue> result, string? consumerGroup)
    {
        var parent = KafkaTraceContext.Extract(result.Message?.Headers);
        var activity = KafkaTelemetry.ActivitySource.StartActivity($"process {result.Topic}", ActivityKind.Consumer, parent);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("messaging.system", "kafka");
            activity.SetTag("messaging.operation.type", "process");
            activity.SetTag("messaging.destination.name", result.Topic);
            activity.SetTag("messaging.destination.partition.id", result.Partition.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
            activity.SetTag("messaging.kafka.offset", result.Offset.Value);
            if (consumerGroup is not null)
            {
                activity.SetTag("messaging.consumer.group.name", consumerGroup);
            }
        }

        return activity;
    }
}
