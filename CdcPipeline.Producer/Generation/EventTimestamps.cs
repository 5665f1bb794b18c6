namespace CdcPipeline.Producer.Generation;

/// <summary>
/// Event timestamps from the injected clock, at PostgreSQL's microsecond precision and strictly increasing,
/// so that a later event of an entity always carries a later time even when the clock stands still.
/// </summary>
internal sealed class EventTimestamps(TimeProvider clock)
{
    private static readonly TimeSpan Step = TimeSpan.FromMicroseconds(1);

    private DateTimeOffset _last = DateTimeOffset.MinValue;

    public DateTimeOffset Next()
    {
        var now = clock.GetUtcNow();
        now = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % Step.Ticks), TimeSpan.Zero);
        _last = now > _last ? now : _last + Step;
        return _last;
    }
}
