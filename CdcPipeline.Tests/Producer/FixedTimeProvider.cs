namespace CdcPipeline.Tests.Producer;

/// <summary>A clock that stands still at a given instant (timers still run on the system clock).</summary>
internal sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
