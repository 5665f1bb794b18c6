using System.Diagnostics.Metrics;
using System.Reflection;
using CdcPipeline.ServiceDefaults.Kafka;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;

namespace CdcPipeline.Tests.Kafka;

public sealed class ConsumerDisposeTests
{
    [Fact]
    public void A_statistics_report_delivered_while_disposing_leaves_no_lag_series()
    {
        var topic = $"dispose-{Guid.NewGuid():N}";
        var client = $"client-{Guid.NewGuid():N}";
        using var metrics = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var telemetry = new KafkaTelemetry(metrics.GetRequiredService<IMeterFactory>());
        var inner = DispatchProxy.Create<IConsumer<string, byte[]>, LastReportOnDispose>();
        ((LastReportOnDispose)(object)inner).Configure(client, topic, telemetry.Lag);
        Assert.Equal("cdc.kafka.consumer.lag", telemetry.ConsumerLag.Name);
        using var lag = new MetricCollector("cdc.kafka.consumer.lag", topic);
        IConsumer<string, byte[]> consumer = new InstrumentedConsumer<string, byte[]>(inner, "g", telemetry);

        telemetry.Lag.Record(
            "{\"name\":\"" + client + "\",\"topics\":{\"" + topic + "\":{\"partitions\":{\"0\":{\"desired\":true,\"consumer_lag\":7}}}}}", "g");
        lag.Observe();
        Assert.Equal(7, Assert.Single(lag.Measurements).Value);
        lag.Clear();

        consumer.Dispose();
        lag.Observe();

        Assert.Empty(lag.Measurements);
    }

    /// <summary>
    /// A consumer whose disposal delivers one last statistics report, as librdkafka may while it closes; nothing
    /// else of it is used.
    /// </summary>
    public class LastReportOnDispose : DispatchProxy
    {
        private string name = "";
        private string topic = "";
        private KafkaConsumerLag? lag;

        public void Configure(string clientName, string topicName, KafkaConsumerLag reports) =>
            (name, topic, lag) = (clientName, topicName, reports);

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            switch (targetMethod?.Name)
            {
                case "get_Name":
                    return name;
                case nameof(IDisposable.Dispose):
                    lag!.Record(
                        "{\"name\":\"" + name + "\",\"topics\":{\"" + topic +
                        "\":{\"partitions\":{\"0\":{\"desired\":true,\"fetch_state\":\"active\",\"consumer_lag\":5}}}}}",
                        "g");
                    return null;
                default:
                    throw new NotSupportedException(targetMethod?.Name);
            }
        }
    }
}
