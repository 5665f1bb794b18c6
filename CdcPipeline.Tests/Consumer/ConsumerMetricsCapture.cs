using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace CdcPipeline.Tests.Consumer;

/// <summary>Sums what meter <c>CdcPipeline.Consumer</c> records for the given topics (other tests use other topics).</summary>
internal sealed class ConsumerMetricsCapture : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<(string Instrument, string Topic), long> _sums = new();

    public ConsumerMetricsCapture(params string[] topics)
    {
        var wanted = topics.ToHashSet(StringComparer.Ordinal);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "CdcPipeline.Consumer")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags, wanted));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags, wanted));
        _listener.Start();
    }

    public long Sum(string instrument, string topic) => _sums.GetValueOrDefault((instrument, topic));

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, HashSet<string> wanted)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == "messaging.destination.name" && tag.Value is string topic && wanted.Contains(topic))
            {
                _sums.AddOrUpdate((instrument.Name, topic), value, (_, sum) => sum + value);
            }
        }
    }
}
