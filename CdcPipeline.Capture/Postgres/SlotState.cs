namespace CdcPipeline.Capture.Postgres;

/// <summary>A replication slot as <c>pg_replication_slots</c> shows it.</summary>
internal sealed record SlotState(string Plugin, string? Database, int? ActivePid, ulong? ConfirmedFlushLsn);
