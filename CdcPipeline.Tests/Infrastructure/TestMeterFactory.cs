using System.Diagnostics.Metrics;

namespace CdcPipeline.Tests.Infrastructure;

/// <summary>The <see cref="IMeterFactory"/> of a test that builds a telemetry class without a host; disposing it disposes its meters.</summary>
internal sealed class TestMeterFactory : IMeterFactory
{
    private readonly Lock _lock = new();
    private readonly List<Meter> _meters = [];

    public Meter Create(MeterOptions options)
    {
        var meter = new Meter(options.Name, options.Version, options.Tags, scope: this);
        lock (_lock)
        {
            _meters.Add(meter);
        }

        return meter;
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var meter in _meters)
            {
                meter.Dispose();
            }

            _meters.Clear();
        }
    }
}
