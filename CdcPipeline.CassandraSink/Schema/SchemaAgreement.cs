using CdcPipeline.CassandraSink.Options;

namespace CdcPipeline.CassandraSink.Schema;

/// <summary>
/// When the sink last applied its schema. Until <see cref="SinkOptions.SchemaAgreementTimeout"/> has passed since,
/// a node that does not know a new table yet (<c>unconfigured table</c>) is waited out rather than a reason to stop.
/// </summary>
internal sealed class SchemaAgreement(TimeProvider time)
{
    private long _appliedAtTicks = long.MinValue;

    public void Applied() => Interlocked.Exchange(ref _appliedAtTicks, time.GetUtcNow().UtcTicks);

    public bool IsSettling(TimeSpan window)
    {
        var applied = Interlocked.Read(ref _appliedAtTicks);
        return applied != long.MinValue && time.GetUtcNow().UtcTicks - applied < window.Ticks;
    }
}
