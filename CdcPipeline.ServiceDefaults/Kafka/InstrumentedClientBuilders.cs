using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace CdcPipeline.ServiceDefaults.Kafka;

/// <summary>
/// The consumer builder handed to <c>configureBuilder</c>: whatever handlers the service sets, librdkafka's logs and
/// errors reach the host's logging and its statistics feed the lag gauge.
/// </summary>
internal sealed class InstrumentedConsumerBuilder<TKey, TValue>(KafkaConsumerSettings settings, ILogger logger)
    : ConsumerBuilder<TKey, TValue>(settings.Config)
{
    public override IConsumer<TKey, TValue> Build()
    {
        LogHandler ??= (_, message) => KafkaLog.Write(logger, message);
        ErrorHandler ??= (consumer, error) => KafkaLog.Write(logger, consumer.Name, error);
        var group = settings.Config.GroupId;
        if (!settings.DisableMetrics)
        {
            var own = StatisticsHandler;
            StatisticsHandler = (consumer, json) =>
            {
                try
                {
                    KafkaConsumerLag.Record(json, group);
                }
                catch (System.Text.Json.JsonException e)
                {
                    KafkaLog.StatisticsUnreadable(logger, consumer.Name, e);
                }

                own?.Invoke(consumer, json);
            };
        }

        var consumer = base.Build();
        return settings.DisableMetrics ? consumer : new InstrumentedConsumer<TKey, TValue>(consumer, group);
    }
}

/// <summary>
/// The producer builder handed to <c>configureBuilder</c>: logs and errors reach the host's logging, and the built
/// producer traces and counts what it sends.
/// </summary>
internal sealed class InstrumentedProducerBuilder<TKey, TValue>(ProducerConfig config, bool tracing, bool metrics, ILogger logger)
    : ProducerBuilder<TKey, TValue>(config)
{
    public override IProducer<TKey, TValue> Build()
    {
        if (config.EnableDeliveryReports == false)
        {
            throw new InvalidOperationException(
                "'dotnet.producer.enable.delivery.reports' is false, but the producer of AddKafkaProducer needs delivery " +
                "reports: every Produce passes a delivery handler, and spans and produced/failed counts end on the report. " +
                "Remove the setting.");
        }

        LogHandler ??= (_, message) => KafkaLog.Write(logger, message);
        // Errors are always logged here; a handler of the service's own (SetErrorHandler) runs after.
        var own = ErrorHandler;
        ErrorHandler = (producer, error) =>
        {
            KafkaLog.Write(logger, producer.Name, error);
            own?.Invoke(producer, error);
        };
        var producer = base.Build();
        return new InstrumentedProducer<TKey, TValue>(producer, tracing, metrics);
    }
}
