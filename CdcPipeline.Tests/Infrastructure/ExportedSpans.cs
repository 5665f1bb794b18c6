using System.Collections.ObjectModel;
using System.Diagnostics;

namespace CdcPipeline.Tests.Infrastructure;

/// <summary>
/// The collection an in-memory exporter adds spans to while a test reads them: every access under one lock. The
/// exporter sees the spans of every test in the process; tests pick theirs by trace id or topic.
/// </summary>
internal sealed class ExportedSpans : Collection<Activity>
{
    private readonly Lock _lock = new();

    public Activity[] Snapshot()
    {
        lock (_lock)
        {
            return [.. Items];
        }
    }

    protected override void InsertItem(int index, Activity item)
    {
        lock (_lock)
        {
            base.InsertItem(index, item);
        }
    }
}
