using CdcPipeline.ServiceDefaults.Outages;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace CdcPipeline.ServiceDefaults.Kafka;

/// <summary>
/// The consumer builder handed to <c>configureBuilder</c>: whatever handlers the service sets, librdkafka's logs and
/// errors reach the host's logging (a broker's connection failures as its outage), and its statistics end those
/// outages and feed the lag gauge.
/// </summary>
internal sealed class InstrumentedConsumerBuilder<TKey, TValue>(
    KafkaConsumerSettings settings, DependencyOutages outages, ILogger logger, KafkaTelemetry telemetry)
    : ConsumerBuilder<TKey, TValue>(settings.Config)
{
    public override IConsumer<TKey, TValue> Build()
    {
        LogHandler ??= (_, message) => KafkaLog.Write(logger, message);
        var bootstrapServers = settings.Config.BootstrapServers;
        // Errors are always logged here; a handler of the service's own (SetErrorHandler) runs after.
        var ownErrors = ErrorHandler;
        ErrorHandler = (consumer, error) =>
        {
            KafkaLog.Write(logger, outages, bootstrapServers, consumer.Name, error);
            ownErrors?.Invoke(consumer, error);
        };
        var group = settings.Config.GroupId;
        var own = StatisticsHandler;
        StatisticsHandler = (consumer, json) =>
        {
            try
            {
                KafkaBrokerOutages.ReadStatistics(outages, json);
                if (!settings.DisableMetrics)
                {
                    telemetry.Lag.Record(json, group);
                }
            }
            catch (System.Text.Json.JsonException e)
            {
                KafkaLog.StatisticsUnreadable(logger, consumer.Name, e);
            }

            own?.Invoke(consumer, json);
        };

        var consumer = base.Build();
        return settings.DisableMetrics ? consumer : new InstrumentedConsumer<TKey, TValue>(consumer, group, telemetry);
    }
}

/// <summary>
/// The producer builder handed to <c>configureBuilder</c>: logs and errors reach the host's logging (a broker's
/// connection failures as its outage, ended by the statistics), and the built producer traces and counts what it sends
/// (unless <c>metrics</c> is null).
/// </summary>
internal sealed class InstrumentedProducerBuilder<TKey, TValue>(
    ProducerConfig config, bool tracing, KafkaTelemetry? metrics, DependencyOutages outages, ILogger logger)
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
        var bootstrapServers = config.BootstrapServers;
        // Errors are always logged here; a handler of the service's own (SetErrorHandler) runs after.
        var own = ErrorHandler;
        ErrorHandler = (producer, error) =>
        {
            KafkaLog.Write(logger, outages, bootstrapServers, producer.Name, error);
            own?.Invoke(producer, error);
        };
        // Statistics are how a broker's recovery becomes known: librdkafka reports no event when it reconnects.
        if (config.StatisticsIntervalMs is null)
        {
            Config = [.. config, new("statistics.interval.ms", KafkaBrokerOutages.StatisticsIntervalMs)];
        }

        var ownStatistics = StatisticsHandler;
        StatisticsHandler = (producer, json) =>
        {
            try
            {
                KafkaBrokerOutages.ReadStatistics(outages, json);
            }
            catch (System.Text.Json.JsonException e)
            {
                KafkaLog.StatisticsUnreadable(logger, producer.Name, e);
            }

            ownStatistics?.Invoke(producer, json);
        };
        var producer = base.Build();
        return new InstrumentedProducer<TKey, TValue>(producer, tracing, metrics);
    }
}
