using System.Diagnostics.Metrics;
using CdcPipeline.Events;

namespace CdcPipeline.Producer.Telemetry;

/// <summary>Meter <c>CdcPipeline.Producer</c>: events acknowledged, delivery failures and the send rate.</summary>
internal sealed class ProducerTelemetry
{
    public const string MeterName = "CdcPipeline.Producer";

    private readonly Counter<long> _sent;
    private readonly Counter<long> _failed;
    private double _rate;

    public ProducerTelemetry(IMeterFactory meterFactory)
    {
        Meter = meterFactory.Create(MeterName);
        _sent = Meter.CreateCounter<long>(
            "cdc.producer.events.sent", "{event}", "Events acknowledged by Kafka, by topic and event type.");
        _failed = Meter.CreateCounter<long>(
            "cdc.producer.delivery.failures", "{event}", "Events Kafka did not acknowledge within the delivery timeout, by topic and error.");
        Meter.CreateObservableGauge(
            "cdc.producer.send.rate", () => Volatile.Read(ref _rate), "{event}/s", "Events acknowledged per second over the last progress interval.");
    }

    public Meter Meter { get; }

    public void RecordSent(string topic, EventType type) =>
        _sent.Add(1, new("messaging.destination.name", topic), new("cdc.event.type", WireNames.Of(type)));

    public void RecordFailed(string topic, EventType type, string error) =>
        _failed.Add(1, new("messaging.destination.name", topic), new("cdc.event.type", WireNames.Of(type)), new("error.type", error));

    public void RecordRate(double eventsPerSecond) => Volatile.Write(ref _rate, eventsPerSecond);
}
