using System.Diagnostics;
using CdcPipeline.Capture.Publishing;
using CdcPipeline.Capture.Records;
using CdcPipeline.Capture.Schema;
using CdcPipeline.Capture.Telemetry;
using Npgsql.Replication.PgOutput;
using Npgsql.Replication.PgOutput.Messages;

namespace CdcPipeline.Capture.Streaming;

/// <summary>
/// Turns the pgoutput messages of one replication session (protocol 2, binary, streaming on, messages on) into
/// Debezium records, in commit order, and tells the <see cref="AcknowledgementTracker"/> which positions follow them.
/// </summary>
/// <remarks>
/// <para>Transactions sent after their commit (Begin … Commit) are published change by change as they arrive.
/// Transactions PostgreSQL streams while in progress (StreamStart … StreamStop chunks, then StreamCommit or
/// StreamAbort) are spooled to a file per top-level xid and published at StreamCommit, so the records are the same as
/// Debezium's (it reads with protocol 1, where every transaction arrives after its commit).</para>
/// <para><c>source.sequence[0]</c> is the LSN of the last commit or non-transactional message processed before the
/// change (Debezium's <c>lsn_commit</c>). A streamed transaction left with nothing once its aborted subtransactions
/// are removed counts as no commit: protocol 1 would not have sent it at all.</para>
/// </remarks>
internal sealed class WalMessageHandler : IDisposable
{
    public const string HeartbeatPrefix = "cdc-heartbeat";

    private readonly RelationRegistry _relations;
    private readonly CatalogReader _catalog;
    private readonly TableSchemaFactory _schemas;
    private readonly RecordEncoder _encoder;
    private readonly RecordPublisher _publisher;
    private readonly AcknowledgementTracker _tracker;
    private readonly CaptureTelemetry _telemetry;
    private readonly ReplicationProgress _progress;
    private readonly TimeProvider _clock;
    private readonly string _spoolDirectory;
    private readonly Action<string> _unpublishedMessage;
    private readonly Dictionary<uint, TransactionSpool> _spools = [];
    private readonly RowImage _oldRow = new();
    private readonly RowImage _newRow = new();
    private ulong? _lastCommitLsn;
    private LiveTransaction? _live;
    private TransactionSpool? _streaming;

    public WalMessageHandler(
        ulong? lastCommitLsn,
        RelationRegistry relations,
        CatalogReader catalog,
        TableSchemaFactory schemas,
        RecordEncoder encoder,
        RecordPublisher publisher,
        AcknowledgementTracker tracker,
        CaptureTelemetry telemetry,
        ReplicationProgress progress,
        TimeProvider clock,
        string spoolDirectory,
        Action<string> unpublishedMessage)
    {
        _lastCommitLsn = lastCommitLsn;
        _relations = relations;
        _catalog = catalog;
        _schemas = schemas;
        _encoder = encoder;
        _publisher = publisher;
        _tracker = tracker;
        _telemetry = telemetry;
        _progress = progress;
        _clock = clock;
        _spoolDirectory = spoolDirectory;
        _unpublishedMessage = unpublishedMessage;
    }

    /// <summary>Transactions PostgreSQL is streaming whose commit has not arrived yet.</summary>
    public int OpenStreamedTransactions => _spools.Count;

    public async ValueTask HandleAsync(PgOutputReplicationMessage message, CancellationToken cancellationToken)
    {
        switch (message)
        {
            case BeginMessage begin:
                var commitMicros = Micros(begin.TransactionCommitTimestamp);
                var activity = StartTransactionActivity(begin.TransactionXid, streamed: false);
                _live = new LiveTransaction(begin.TransactionXid, commitMicros, _tracker.Open(commitMicros), activity);
                break;
            case RelationMessage relation:
                _relations.Register(relation, _streaming?.Xid);
                break;
            case InsertMessage insert:
                await OnChangeAsync(insert, insert.Relation, ChangeKind.Create, null, insert.NewRow, cancellationToken).ConfigureAwait(false);
                break;
            case FullUpdateMessage update:
                await OnChangeAsync(update, update.Relation, ChangeKind.Update, update.OldRow, update.NewRow, cancellationToken).ConfigureAwait(false);
                break;
            case IndexUpdateMessage update:
                await OnChangeAsync(update, update.Relation, ChangeKind.Update, update.Key, update.NewRow, cancellationToken).ConfigureAwait(false);
                break;
            case UpdateMessage update:
                await OnChangeAsync(update, update.Relation, ChangeKind.Update, null, update.NewRow, cancellationToken).ConfigureAwait(false);
                break;
            case FullDeleteMessage delete:
                await OnChangeAsync(delete, delete.Relation, ChangeKind.Delete, delete.OldRow, null, cancellationToken).ConfigureAwait(false);
                break;
            case KeyDeleteMessage delete:
                await OnChangeAsync(delete, delete.Relation, ChangeKind.Delete, delete.Key, null, cancellationToken).ConfigureAwait(false);
                break;
            case TruncateMessage truncate:
                await OnTruncateAsync(truncate, cancellationToken).ConfigureAwait(false);
                break;
            case CommitMessage commit:
                OnCommit((ulong)commit.TransactionEndLsn);
                break;
            case LogicalDecodingMessage logical:
                OnLogicalMessage(logical);
                break;
            case StreamStartMessage start:
                if (!_spools.TryGetValue(start.TransactionXid, out _streaming))
                {
                    _streaming = new TransactionSpool(start.TransactionXid, _spoolDirectory);
                    _spools.Add(start.TransactionXid, _streaming);
                }

                break;
            case StreamStopMessage:
                _streaming = null;
                break;
            case StreamAbortMessage abort:
                OnStreamAbort(abort.TransactionXid, abort.SubtransactionXid);
                break;
            case StreamCommitMessage commit:
                await OnStreamCommitAsync(commit, cancellationToken).ConfigureAwait(false);
                break;
        }
    }

    private async ValueTask OnChangeAsync(
        TransactionalMessage message, RelationMessage relation, ChangeKind kind, ReplicationTuple? oldTuple, ReplicationTuple? newTuple,
        CancellationToken cancellationToken)
    {
        var version = _relations.Current(relation.RelationId, _streaming?.Xid);
        var lsn = (ulong)message.WalStart;
        if (!version.Captured)
        {
            if (_streaming is { } spool)
            {
                spool.AppendOther(message.TransactionXid ?? spool.Xid, lsn, version.Id);
            }
            else
            {
                _telemetry.Ignored(version.QualifiedName);
            }

            return;
        }

        var oldRow = oldTuple is null ? null : _oldRow;
        var newRow = newTuple is null ? null : _newRow;
        if (oldTuple is not null)
        {
            await TupleReader.ReadAsync(oldTuple, _oldRow, cancellationToken).ConfigureAwait(false);
        }

        if (newTuple is not null)
        {
            await TupleReader.ReadAsync(newTuple, _newRow, cancellationToken).ConfigureAwait(false);
        }

        if (_streaming is { } streaming)
        {
            streaming.AppendChange(message.TransactionXid ?? streaming.Xid, lsn, version.Id, kind, oldRow, newRow);
            return;
        }

        var live = _live ?? throw new InvalidOperationException("pgoutput sent a change outside a transaction.");
        var schema = await version.SchemaAsync(_catalog, _schemas, cancellationToken).ConfigureAwait(false);
        Activity.Current = live.Activity;
        await EmitChangeAsync(schema, kind, oldRow, newRow, new SourcePosition(live.CommitMicros, live.Xid, lsn, _lastCommitLsn), live.Position, cancellationToken)
            .ConfigureAwait(false);
    }

    private async ValueTask OnTruncateAsync(TruncateMessage truncate, CancellationToken cancellationToken)
    {
        var lsn = (ulong)truncate.WalStart;
        var versions = truncate.Relations.Select(r => _relations.Current(r.RelationId, _streaming?.Xid)).ToArray();
        if (_streaming is { } spool)
        {
            var captured = versions.Where(v => v.Captured).Select(v => v.Id).ToArray();
            spool.AppendTruncate(truncate.TransactionXid ?? spool.Xid, lsn, captured);
            foreach (var other in versions.Where(v => !v.Captured))
            {
                spool.AppendOther(truncate.TransactionXid ?? spool.Xid, lsn, other.Id);
            }

            return;
        }

        var live = _live ?? throw new InvalidOperationException("pgoutput sent a TRUNCATE outside a transaction.");
        Activity.Current = live.Activity;
        await EmitTruncateAsync(versions, new SourcePosition(live.CommitMicros, live.Xid, lsn, _lastCommitLsn), live.Position, cancellationToken)
            .ConfigureAwait(false);
    }

    private void OnCommit(ulong endLsn)
    {
        var live = _live ?? throw new InvalidOperationException("pgoutput sent a Commit without a Begin.");
        _live = null;
        live.Position.Seal(endLsn);
        _lastCommitLsn = endLsn;
        _progress.ReportReceived(endLsn, live.CommitMicros);
        live.Activity?.SetTag("cdc.commit.lsn", (long)endLsn);
        live.Activity?.Stop();
        Activity.Current = null;
    }

    /// <summary>
    /// A non-transactional message (Debezium's heartbeat action query writes one every interval) is a position of its
    /// own: once everything before it is acknowledged it is confirmed, which is what moves an idle slot. None is
    /// published: heartbeat messages are excluded (message.prefix.exclude.list), and the capture publishes no others.
    /// </summary>
    private void OnLogicalMessage(LogicalDecodingMessage message)
    {
        var transactional = (message.Flags & 1) != 0;
        if (transactional)
        {
            if (_streaming is { } spool)
            {
                spool.AppendOther(message.TransactionXid ?? spool.Xid, (ulong)message.WalStart, versionId: -1);
            }
        }
        else
        {
            var lsn = (ulong)message.MessageLsn;
            _tracker.Open(commitMicros: 0).Seal(lsn);
            _lastCommitLsn = lsn;
            _progress.ReportReceived(lsn, Micros(_clock.GetUtcNow().UtcDateTime));
        }

        if (!string.Equals(message.Prefix, HeartbeatPrefix, StringComparison.Ordinal))
        {
            _unpublishedMessage(message.Prefix);
        }
    }

    private void OnStreamAbort(uint xid, uint subtransactionXid)
    {
        if (!_spools.TryGetValue(xid, out var spool))
        {
            return;
        }

        if (subtransactionXid == xid)
        {
            _spools.Remove(xid);
            _relations.EndStream(xid);
            spool.Dispose();
        }
        else
        {
            spool.AbortSubtransaction(subtransactionXid);
        }
    }

    private async ValueTask OnStreamCommitAsync(StreamCommitMessage commit, CancellationToken cancellationToken)
    {
        if (!_spools.Remove(commit.TransactionXid, out var spool))
        {
            return;
        }

        _relations.EndStream(commit.TransactionXid);

        using (spool)
        {
            var commitMicros = Micros(commit.TransactionCommitTimestamp);
            var position = _tracker.Open(commitMicros);
            using var activity = StartTransactionActivity(commit.TransactionXid, streamed: true);
            var any = false;
            foreach (var entry in spool.ReadCommitted())
            {
                any = true;
                var source = new SourcePosition(commitMicros, commit.TransactionXid, entry.Lsn, _lastCommitLsn);
                Activity.Current = activity;
                switch (entry.Type)
                {
                    case SpooledEntryType.Change:
                        var schema = await _relations[entry.VersionId].SchemaAsync(_catalog, _schemas, cancellationToken).ConfigureAwait(false);
                        await EmitChangeAsync(
                                schema, entry.Kind, entry.HasOldRow ? entry.OldRow : null, entry.HasNewRow ? entry.NewRow : null, source, position,
                                cancellationToken)
                            .ConfigureAwait(false);
                        break;
                    case SpooledEntryType.Truncate:
                        await EmitTruncateAsync(entry.TruncatedVersions.Select(id => _relations[id]).ToArray(), source, position, cancellationToken)
                            .ConfigureAwait(false);
                        break;
                    case SpooledEntryType.Other when entry.VersionId >= 0:
                        _telemetry.Ignored(_relations[entry.VersionId].QualifiedName);
                        break;
                }
            }

            var end = (ulong)commit.TransactionEndLsn;
            position.Seal(any ? end : null);
            if (any)
            {
                _lastCommitLsn = end;
                _progress.ReportReceived(end, commitMicros);
            }

            activity?.SetTag("cdc.commit.lsn", (long)end);
            Activity.Current = null;
        }
    }

    private async ValueTask EmitChangeAsync(
        TableSchema schema, ChangeKind kind, RowImage? oldRow, RowImage? newRow, SourcePosition source, AckPosition position,
        CancellationToken cancellationToken)
    {
        if (newRow is not null)
        {
            TupleReader.FillUnchangedToast(newRow, oldRow);
        }

        var keyRow = kind == ChangeKind.Delete ? oldRow : newRow;
        if (keyRow is null)
        {
            throw new InvalidOperationException($"A {kind} of {schema.QualifiedName} came without the row it changes.");
        }

        var key = _encoder.EncodeKey(schema, keyRow);
        var value = _encoder.EncodeValue(
            schema, kind, kind == ChangeKind.Create ? null : oldRow, kind == ChangeKind.Delete ? null : newRow, source, SnapshotMarker.False);
        await _publisher.PublishChangeAsync(schema, kind, key, value, TraceParents.Read(schema, keyRow), source.Lsn, position, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>One record per captured table of the TRUNCATE, in the message's order, all at its LSN; null key, no tombstone.</summary>
    private async ValueTask EmitTruncateAsync(
        IReadOnlyList<RelationVersion> versions, SourcePosition source, AckPosition position, CancellationToken cancellationToken)
    {
        foreach (var version in versions)
        {
            if (!version.Captured)
            {
                _telemetry.Ignored(version.QualifiedName);
                continue;
            }

            var schema = await version.SchemaAsync(_catalog, _schemas, cancellationToken).ConfigureAwait(false);
            var value = _encoder.EncodeValue(schema, ChangeKind.Truncate, null, null, source, SnapshotMarker.False);
            await _publisher.PublishChangeAsync(schema, ChangeKind.Truncate, null, value, default, source.Lsn, position, cancellationToken)
                .ConfigureAwait(false);
        }
    }

    private static Activity? StartTransactionActivity(uint xid, bool streamed)
    {
        var activity = CaptureTelemetry.ActivitySource.StartActivity("capture transaction", ActivityKind.Internal, parentContext: default);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("db.system.name", "postgresql");
            activity.SetTag("cdc.transaction.id", (long)xid);
            activity.SetTag("cdc.transaction.streamed", streamed);
        }

        return activity;
    }

    private static long Micros(DateTime utc) => (utc.Ticks - DateTime.UnixEpoch.Ticks) / 10;

    public void Dispose()
    {
        foreach (var spool in _spools.Values)
        {
            spool.Dispose();
        }

        _spools.Clear();
        _live?.Activity?.Stop();
    }
}
