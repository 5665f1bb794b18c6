namespace CdcPipeline.Capture.Hosting;

/// <summary>
/// Where streaming starts: the slot's confirmed position, and the <c>source.sequence[0]</c> to begin with — null
/// right after the snapshot (Debezium's fresh offset), else the confirmed position itself, which is exactly the last
/// commit or message acknowledged, so changes published again after a restart are identical to their first copy.
/// </summary>
internal sealed record StreamStart(ulong Lsn, ulong? LastCommitLsn);
