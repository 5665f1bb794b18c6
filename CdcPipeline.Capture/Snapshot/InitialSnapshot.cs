using System.Data;
using System.Diagnostics;
using CdcPipeline.Capture.Hosting;
using CdcPipeline.Capture.Options;
using CdcPipeline.Capture.Postgres;
using CdcPipeline.Capture.Publishing;
using CdcPipeline.Capture.Records;
using CdcPipeline.Capture.Schema;
using CdcPipeline.Capture.Telemetry;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CdcPipeline.Capture.Snapshot;

/// <summary>
/// The initial snapshot (snapshot.mode=initial): every table of <c>Capture:Tables</c>, in that order, read in one
/// REPEATABLE READ transaction that imports the snapshot CREATE_REPLICATION_SLOT exported — exactly the database at
/// the slot's consistent point, from which streaming starts, so no change is lost or doubled at the seam — and
/// published as <c>op: r</c> records with the snapshot markers Debezium writes.
/// </summary>
/// <remarks>
/// Every record has <c>source.lsn</c> = the consistent point, <c>txId</c> = the snapshot transaction's id
/// (<c>pg_current_xact_id()</c>), <c>ts</c> = its CURRENT_TIMESTAMP, and <c>sequence</c> = [null, lsn]. Rows are read
/// with a binary COPY of <c>SELECT</c> of the columns (no ORDER BY, as Debezium's query). One record is held back so
/// the last one can be marked <c>last</c>. The method returns once Kafka acknowledged every record.
/// </remarks>
internal sealed class InitialSnapshot(
    PostgresConnections connections,
    CatalogReader catalog,
    IOptions<CaptureOptions> options,
    CaptureTelemetry telemetry,
    CaptureHealth health,
    ReplicationProgress progress,
    TimeProvider clock,
    ILogger<InitialSnapshot> logger)
{
    private const string ImportSnapshotSql = "SET TRANSACTION SNAPSHOT '{0}'";

    private const string SnapshotIdentitySql = "SELECT pg_current_xact_id()::text::int8, CURRENT_TIMESTAMP";

    /// <param name="snapshotName">The snapshot CREATE_REPLICATION_SLOT exported.</param>
    /// <param name="consistentPoint">The slot's consistent point: the records' LSN.</param>
    /// <param name="imported">Called once the snapshot is imported: the exporting connection may close.</param>
    public async Task<SnapshotResult> RunAsync(
        string snapshotName, ulong consistentPoint, Func<ValueTask> imported, RecordPublisher publisher, CancellationToken cancellationToken)
    {
        if (!snapshotName.All(c => char.IsAsciiHexDigit(c) || c == '-'))
        {
            throw new InvalidOperationException($"PostgreSQL exported a snapshot named '{snapshotName}', which is not a snapshot identifier.");
        }

        var settings = options.Value;
        using var activity = CaptureTelemetry.ActivitySource.StartActivity("capture snapshot", ActivityKind.Internal, parentContext: default);
        await using var connection = await connections.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        await using (var import = new NpgsqlCommand(string.Format(System.Globalization.CultureInfo.InvariantCulture, ImportSnapshotSql, snapshotName), connection, transaction))
        {
            await import.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        long transactionId;
        long timestampMicros;
        await using (var identity = new NpgsqlCommand(SnapshotIdentitySql, connection, transaction))
        await using (var reader = await identity.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            transactionId = reader.GetInt64(0);
            timestampMicros = (reader.GetFieldValue<DateTime>(1).Ticks - DateTime.UnixEpoch.Ticks) / 10;
        }

        await imported().ConfigureAwait(false);

        var tables = new List<(TableId Table, uint Oid)>();
        foreach (var table in settings.TableIds)
        {
            if (await catalog.FindAsync(connection, table, cancellationToken).ConfigureAwait(false) is { } oid)
            {
                tables.Add((table, oid));
            }
            else
            {
                logger.TableMissing(table.ToString(), connections.Database);
            }
        }

        var factory = new TableSchemaFactory(settings.TopicPrefix, settings.SchemasEnable);
        var tracker = new AcknowledgementTracker(consistentPoint, clock, telemetry, progress);
        var position = tracker.Open(commitMicros: 0);
        using var encoder = new RecordEncoder(settings.TopicPrefix, connections.Database, clock);
        var source = new SourcePosition(timestampMicros, transactionId, consistentPoint, LastCommitLsn: null);
        var held = new HeldRecord(encoder, publisher, source, position);
        long rows = 0;
        for (var k = 0; k < tables.Count; k++)
        {
            health.Snapshotting(settings.SlotName, k + 1, tables.Count);
            var (table, oid) = tables[k];
            var columns = await catalog.ReadColumnsAsync(oid, connection, cancellationToken).ConfigureAwait(false);
            var schema = factory.Create(table, columns);
            var read = await ReadTableAsync(connection, schema, k == 0, k == tables.Count - 1, held, cancellationToken).ConfigureAwait(false);
            rows += read;
            telemetry.SnapshotTableDone(schema.QualifiedName);
            logger.SnapshotTableRead(schema.QualifiedName, read);
        }

        await held.CompleteAsync(cancellationToken).ConfigureAwait(false);
        position.Seal(null);
        using (var failedOrStopped = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, publisher.Failed))
        {
            while (tracker.OpenCount > 0)
            {
                await tracker.WaitForAdvanceAsync(failedOrStopped.Token).ConfigureAwait(false);
            }
        }

        await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
        logger.SnapshotCompleted(rows, tables.Count, consistentPoint.ToLsnText());
        return new SnapshotResult(rows, tables.Count, timestampMicros);
    }

    private async Task<long> ReadTableAsync(
        NpgsqlConnection connection, TableSchema schema, bool firstTable, bool lastTable, HeldRecord held, CancellationToken cancellationToken)
    {
        var columnList = string.Join(", ", schema.Columns.Select(c => QuoteIdentifier(c.Name)));
        var copy = $"COPY (SELECT {columnList} FROM {QuoteIdentifier(schema.Table.Schema)}.{QuoteIdentifier(schema.Table.Name)}) TO STDOUT (FORMAT binary)";
        await using var stream = await connection.BeginRawBinaryCopyAsync(copy, cancellationToken).ConfigureAwait(false);
        var reader = new BinaryCopyReader(stream);
        var current = new RowImage();
        var next = new RowImage();
        long rows = 0;
        var haveCurrent = await reader.ReadRowAsync(current, cancellationToken).ConfigureAwait(false);
        while (haveCurrent)
        {
            var haveNext = await reader.ReadRowAsync(next, cancellationToken).ConfigureAwait(false);
            var marker = SnapshotMarkers.For(firstTable, lastTable, firstInTable: rows == 0, lastInTable: !haveNext);
            await held.OfferAsync(schema, current, marker, cancellationToken).ConfigureAwait(false);
            telemetry.SnapshotRow(schema.QualifiedName);
            rows++;
            (current, next) = (next, current);
            haveCurrent = haveNext;
        }

        return rows;
    }

    private static string QuoteIdentifier(string name) => $"\"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";

    /// <summary>Debezium's BufferingSnapshotChangeRecordReceiver: one record held back, the last one emitted as <c>last</c>.</summary>
    private sealed class HeldRecord(RecordEncoder encoder, RecordPublisher publisher, SourcePosition source, AckPosition position)
    {
        private readonly RowImage _row = new();
        private TableSchema? _schema;
        private SnapshotMarker _marker;

        public async ValueTask OfferAsync(TableSchema schema, RowImage row, SnapshotMarker marker, CancellationToken cancellationToken)
        {
            await ReleaseAsync(null, cancellationToken).ConfigureAwait(false);
            _row.CopyFrom(row);
            _schema = schema;
            _marker = marker;
        }

        public ValueTask CompleteAsync(CancellationToken cancellationToken) => ReleaseAsync(SnapshotMarker.Last, cancellationToken);

        private async ValueTask ReleaseAsync(SnapshotMarker? rewrite, CancellationToken cancellationToken)
        {
            if (_schema is not { } schema)
            {
                return;
            }

            _schema = null;
            var key = encoder.EncodeKey(schema, _row);
            var value = encoder.EncodeValue(schema, ChangeKind.Read, null, _row, source, rewrite ?? _marker);
            await publisher.PublishChangeAsync(schema, ChangeKind.Read, key, value, TraceParents.Read(schema, _row), source.Lsn, position, cancellationToken)
                .ConfigureAwait(false);
        }
    }
}
