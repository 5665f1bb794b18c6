using CdcPipeline.Capture.Heartbeats;
using CdcPipeline.Capture.Offsets;
using CdcPipeline.Capture.Options;
using CdcPipeline.Capture.Postgres;
using CdcPipeline.Capture.Publishing;
using CdcPipeline.Capture.Snapshot;
using CdcPipeline.Capture.Telemetry;
using Microsoft.Extensions.Options;
using Npgsql.Replication;

namespace CdcPipeline.Capture.Hosting;

/// <summary>
/// Decides, at every start, what the slot needs before streaming, and does it:
/// slot missing → create it and snapshot (NoData: only create it);
/// slot present and its snapshot recorded as completed → stream;
/// slot present but no completed snapshot recorded → drop it and start over (NoData: record it and stream).
/// </summary>
/// <remarks>
/// Starting over is exact: nothing streamed from a slot is ever acknowledged before its snapshot is recorded as
/// complete, so the new slot's snapshot and stream again cover everything once. The completion record is written
/// only after Kafka acknowledged every snapshot record.
/// </remarks>
internal sealed class CaptureStarter(
    ReplicationSlots slots,
    OffsetStore offsets,
    PostgresConnections connections,
    InitialSnapshot snapshot,
    HeartbeatEmitter heartbeats,
    IOptions<CaptureOptions> options,
    ILogger<CaptureStarter> logger)
{
    private const string OutputPlugin = "pgoutput";

    public async Task<StreamStart> PrepareAsync(RecordPublisher publisher, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var name = settings.SlotName;
        var slot = await slots.FindAsync(name, cancellationToken).ConfigureAwait(false);
        if (slot is not null && (slot.Plugin != OutputPlugin || slot.Database != connections.Database))
        {
            throw new CaptureSetupException(
                $"Replication slot '{name}' (Capture:SlotName) belongs to plugin {slot.Plugin} in database {slot.Database}; the capture needs a " +
                $"{OutputPlugin} slot of database {connections.Database}. Choose another Capture:SlotName or drop that slot.");
        }

        var offset = await offsets.ReadAsync(name, cancellationToken).ConfigureAwait(false);
        if (slot?.ConfirmedFlushLsn is { } confirmed && offset is { SnapshotCompleted: true })
        {
            var snapshotLsn = offset.SnapshotLsn ?? 0;
            logger.Resuming(name, snapshotLsn.ToLsnText(), confirmed.ToLsnText());
            return new StreamStart(confirmed, confirmed == snapshotLsn ? null : confirmed);
        }

        if (settings.SnapshotMode == SnapshotMode.NoData)
        {
            var lsn = slot?.ConfirmedFlushLsn ?? await CreateSlotAsync(name, cancellationToken).ConfigureAwait(false);
            await offsets.WriteAsync(new CaptureOffset(name, true, lsn, null), cancellationToken).ConfigureAwait(false);
            logger.NoSnapshot(name, lsn.ToLsnText());
            return new StreamStart(lsn, null);
        }

        if (slot is not null)
        {
            logger.SnapshotIncomplete(name, settings.OffsetsTopic);
            await slots.DropAsync(name, cancellationToken).ConfigureAwait(false);
        }

        await offsets.WriteAsync(new CaptureOffset(name, false, null, null), cancellationToken).ConfigureAwait(false);
        var replication = await connections.OpenReplicationAsync(cancellationToken).ConfigureAwait(false);
        var open = true;
        try
        {
            var created = await replication.CreatePgOutputReplicationSlot(
                    name, temporarySlot: false, slotSnapshotInitMode: LogicalSlotSnapshotInitMode.Export, cancellationToken: cancellationToken)
                .ConfigureAwait(false);
            var consistentPoint = (ulong)created.ConsistentPoint;
            logger.SlotCreated(name, consistentPoint.ToLsnText(), settings.Tables);
            var result = await snapshot.RunAsync(
                    created.SnapshotName ?? throw new InvalidOperationException("CREATE_REPLICATION_SLOT exported no snapshot."),
                    consistentPoint,
                    async () =>
                    {
                        // The exported snapshot lives as long as the exporting connection stays idle; once imported it may go.
                        open = false;
                        await replication.DisposeAsync().ConfigureAwait(false);
                    },
                    publisher,
                    cancellationToken)
                .ConfigureAwait(false);
            await offsets.WriteAsync(new CaptureOffset(name, true, consistentPoint, result.TimestampMicros), cancellationToken).ConfigureAwait(false);
            // As Debezium: one heartbeat (and its action query) right after the snapshot.
            await heartbeats.EmitAsync(cancellationToken).ConfigureAwait(false);
            return new StreamStart(consistentPoint, null);
        }
        finally
        {
            if (open)
            {
                await replication.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task<ulong> CreateSlotAsync(string name, CancellationToken cancellationToken)
    {
        await using var replication = await connections.OpenReplicationAsync(cancellationToken).ConfigureAwait(false);
        var created = await replication.CreatePgOutputReplicationSlot(
                name, temporarySlot: false, slotSnapshotInitMode: LogicalSlotSnapshotInitMode.NoExport, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        return (ulong)created.ConsistentPoint;
    }
}
