using CdcPipeline.Capture.Heartbeats;
using CdcPipeline.Capture.Hosting;
using CdcPipeline.Capture.Options;
using CdcPipeline.Capture.Postgres;
using CdcPipeline.Capture.Publishing;
using CdcPipeline.Capture.Records;
using CdcPipeline.Capture.Schema;
using CdcPipeline.Capture.Telemetry;
using Microsoft.Extensions.Options;
using Npgsql.Replication;
using Npgsql.Replication.PgOutput;
using NpgsqlTypes;

namespace CdcPipeline.Capture.Streaming;

/// <summary>
/// One replication session: START_REPLICATION on the slot (pgoutput protocol 2, binary, streaming of in-progress
/// transactions, logical messages), every message through the <see cref="WalMessageHandler"/>, heartbeats alongside,
/// and the acknowledged position confirmed to PostgreSQL as it advances.
/// </summary>
/// <remarks>
/// <c>SetReplicationStatus</c> only records a position; <c>SendStatusUpdate</c> sends it. Only positions the
/// <see cref="AcknowledgementTracker"/> releases — a commit's end or a message, after Kafka acknowledged everything up
/// to it — are ever sent, never one inside a transaction and never one below the slot's. A graceful stop waits for the
/// message in hand, flushes the producer and confirms what Kafka acknowledged before it closes the stream.
/// </remarks>
internal sealed class ChangeStreamer(
    PostgresConnections connections,
    CatalogReader catalog,
    HeartbeatEmitter heartbeats,
    KafkaStallMonitor kafkaStalls,
    IOptions<CaptureOptions> options,
    CaptureTelemetry telemetry,
    ReplicationProgress progress,
    CaptureHealth health,
    TimeProvider clock,
    ILogger<ChangeStreamer> logger)
{
    private static readonly TimeSpan ConfirmCoalescing = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan ConnectedAfter = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    private readonly HashSet<string> _unpublishedPrefixes = new(StringComparer.Ordinal);

    public async Task RunAsync(
        StreamStart start, RecordPublisher publisher, KafkaClients kafka, Action connected, CancellationToken stoppingToken)
    {
        var settings = options.Value;
        using var session = CancellationTokenSource.CreateLinkedTokenSource(publisher.Failed);
        await using var replication = await connections.OpenReplicationAsync(stoppingToken).ConfigureAwait(false);
        var tracker = new AcknowledgementTracker(start.Lsn, clock, telemetry, progress);
        progress.Reset();
        progress.ReportAcknowledged(start.Lsn);
        using var encoder = new RecordEncoder(settings.TopicPrefix, connections.Database, clock);
        using var handler = new WalMessageHandler(
            start.LastCommitLsn,
            new RelationRegistry(settings.TableIds.ToHashSet()),
            catalog,
            new TableSchemaFactory(settings.TopicPrefix, settings.SchemasEnable),
            encoder,
            publisher,
            tracker,
            telemetry,
            progress,
            clock,
            PrepareSpoolDirectory(settings),
            prefix =>
            {
                if (_unpublishedPrefixes.Add(prefix))
                {
                    logger.MessageNotPublished(prefix, settings.TopicPrefix);
                }
            });

        var stream = new StreamState();
        logger.StreamingStarted(settings.SlotName, start.Lsn.ToLsnText());
        var reading = ReadAsync(replication, handler, stream, connected, session.Token);
        var confirming = ConfirmAsync(replication, tracker, start.Lsn, session.Token);
        var beating = heartbeats.RunAsync(session.Token);
        var watching = kafkaStalls.RunAsync(session.Token);
        try
        {
            var stopped = Task.Delay(Timeout.Infinite, stoppingToken);
            if (await Task.WhenAny(reading, Task.Delay(ConnectedAfter, stoppingToken)).ConfigureAwait(false) != reading && !stoppingToken.IsCancellationRequested)
            {
                stream.MarkConnected(connected, health, settings.SlotName);
            }

            if (await Task.WhenAny(reading, stopped).ConfigureAwait(false) == stopped)
            {
                await StopGracefullyAsync(replication, tracker, stream, kafka).ConfigureAwait(false);
            }
        }
        finally
        {
            await session.CancelAsync().ConfigureAwait(false);
            await Quietly(confirming).ConfigureAwait(false);
            await Quietly(beating).ConfigureAwait(false);
            await Quietly(watching).ConfigureAwait(false);
            await Quietly(reading).ConfigureAwait(false);
        }

        if (publisher.FailureReason is { } failure)
        {
            throw failure;
        }

        // A stream that ended without a stop or a failure is an interruption: the caller retries.
        if (!stoppingToken.IsCancellationRequested)
        {
            await reading.ConfigureAwait(false);
            throw new InvalidOperationException("The replication stream ended without being stopped.");
        }
    }

    private async Task ReadAsync(
        LogicalReplicationConnection replication, WalMessageHandler handler, StreamState stream, Action connected, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var replicationOptions = new PgOutputReplicationOptions(
            settings.PublicationName, PgOutputProtocolVersion.V2, binary: true, streamingMode: PgOutputStreamingMode.On, messages: true);
        var slot = new PgOutputReplicationSlot(settings.SlotName);
        await foreach (var message in replication.StartReplication(slot, replicationOptions, cancellationToken).ConfigureAwait(false))
        {
            progress.ReportServerWalEnd((ulong)message.WalEnd);
            stream.MarkConnected(connected, health, settings.SlotName);
            await stream.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (stream.StopRequested)
                {
                    return;
                }

                await handler.HandleAsync(message, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                stream.Gate.Release();
            }
        }
    }

    private static async Task ConfirmAsync(
        LogicalReplicationConnection replication, AcknowledgementTracker tracker, ulong confirmed, CancellationToken cancellationToken)
    {
        while (true)
        {
            await tracker.WaitForAdvanceAsync(cancellationToken).ConfigureAwait(false);
            await Task.Delay(ConfirmCoalescing, cancellationToken).ConfigureAwait(false);
            confirmed = await ConfirmOnceAsync(replication, tracker, confirmed, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<ulong> ConfirmOnceAsync(
        LogicalReplicationConnection replication, AcknowledgementTracker tracker, ulong confirmed, CancellationToken cancellationToken)
    {
        var acknowledged = tracker.Acknowledged;
        if (acknowledged <= confirmed)
        {
            return confirmed;
        }

        replication.SetReplicationStatus(new NpgsqlLogSequenceNumber(acknowledged));
        await replication.SendStatusUpdate(cancellationToken).ConfigureAwait(false);
        return acknowledged;
    }

    private async Task StopGracefullyAsync(LogicalReplicationConnection replication, AcknowledgementTracker tracker, StreamState stream, KafkaClients kafka)
    {
        if (!await stream.Gate.WaitAsync(StopTimeout).ConfigureAwait(false))
        {
            return;
        }

        try
        {
            stream.StopRequested = true;
            var left = await Task.Run(() => kafka.Changes.Flush(StopTimeout)).ConfigureAwait(false);
            if (left > 0)
            {
                logger.ShutdownFlushIncomplete(StopTimeout, left);
            }

            using var timeout = new CancellationTokenSource(StopTimeout);
            var confirmed = await ConfirmOnceAsync(replication, tracker, 0, timeout.Token).ConfigureAwait(false);
            logger.Stopped(confirmed.ToLsnText(), options.Value.SlotName);
        }
        catch (Exception e) when (e is OperationCanceledException or Npgsql.NpgsqlException or InvalidOperationException)
        {
            // The stream is going away anyway; what was not confirmed is replayed from the slot.
        }
        finally
        {
            stream.Gate.Release();
        }
    }

    private static string PrepareSpoolDirectory(CaptureOptions settings)
    {
        var directory = settings.SpoolDirectory is { Length: > 0 } configured
            ? Path.Combine(configured, settings.SlotName)
            : Path.Combine(Path.GetTempPath(), "cdc-capture", settings.SlotName);
        Directory.CreateDirectory(directory);
        // Files of a session that crashed: their transactions are streamed again from the slot.
        foreach (var stale in Directory.EnumerateFiles(directory, "*.spool"))
        {
            File.Delete(stale);
        }

        return directory;
    }

    private static async Task Quietly(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or Npgsql.NpgsqlException or ObjectDisposedException)
        {
        }
    }

    /// <summary>What the reader and a graceful stop share.</summary>
    private sealed class StreamState
    {
        private int _connected;

        /// <summary>Held while a message is handled, so a stop never cuts one in half.</summary>
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public volatile bool StopRequested;

        public void MarkConnected(Action connected, CaptureHealth health, string slot)
        {
            if (Interlocked.Exchange(ref _connected, 1) == 0)
            {
                health.Streaming(slot);
                connected();
            }
        }
    }
}
