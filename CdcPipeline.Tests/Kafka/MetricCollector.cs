using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using CdcPipeline.ServiceDefaults.Kafka;

namespace CdcPipeline.Tests.Kafka;

/// <summary>Listens to one instrument of the Kafka meter and keeps the measurements of one topic.</summary>
internal sealed class MetricCollector : IDisposable
{
    private readonly MeterListener listener = new();
    private readonly ConcurrentQueue<(long Value, Dictionary<string, object?> Tags)> measurements = new();

    public MetricCollector(string instrument, string topic)
    {
        listener.InstrumentPublished = (published, l) =>
        {
            if (published.Meter.Name == KafkaTelemetry.Name && published.Name == instrument)
            {
                l.EnableMeasurementEvents(published);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var map = new Dictionary<string, object?>();
            foreach (var tag in tags)
            {
                map[tag.Key] = tag.Value;
            }

            if (Equals(map.GetValueOrDefault("messaging.destination.name"), topic))
            {
                measurements.Enqueue((value, map));
            }
        });
        listener.Start();
    }

    public IReadOnlyList<(long Value, Dictionary<string, object?> Tags)> Measurements => measurements.ToArray();

    public long Sum => measurements.Sum(m => m.Value);

    /// <summary>Asks observable instruments (the lag gauge) for their current values.</summary>
    public void Observe() => listener.RecordObservableInstruments();

    public void Clear() => measurements.Clear();

    public void Dispose() => listener.Dispose();
}
