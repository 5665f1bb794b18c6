using System.Diagnostics.Metrics;

namespace CdcPipeline.Tests.CassandraSink;

/// <summary>Sums one counter of the sink's meter over the measurements whose tag has a given value (tests run in parallel).</summary>
internal sealed class CounterProbe : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _total;

    public CounterProbe(string instrument, string tag, string value)
    {
        _listener.InstrumentPublished = (published, listener) =>
        {
            if (published.Meter.Name == "CdcPipeline.CassandraSink" && published.Name == instrument)
            {
                listener.EnableMeasurementEvents(published);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, measurement, tags, _) =>
        {
            foreach (var t in tags)
            {
                if (t.Key == tag && Equals(t.Value, value))
                {
                    Interlocked.Add(ref _total, measurement);
                }
            }
        });
        _listener.Start();
    }

    public long Total => Interlocked.Read(ref _total);

    public void Dispose() => _listener.Dispose();
}
