using CdcPipeline.Capture.Options;
using CdcPipeline.Capture.Postgres;
using CdcPipeline.Capture.Publishing;
using CdcPipeline.Capture.Streaming;
using CdcPipeline.Capture.Telemetry;
using Microsoft.Extensions.Options;

namespace CdcPipeline.Capture.Hosting;

/// <summary>
/// One attempt of the capture, from the topics and the slot to the end of the stream: a new run id, the slot
/// prepared (snapshotted when needed), then streaming until stopped or interrupted. Before the next attempt reads
/// the slot again, the deliveries of this one settle.
/// </summary>
internal sealed class CaptureSession(
    TopicProvisioner topics,
    ReplicationSlots slots,
    CaptureStarter starter,
    ChangeStreamer streamer,
    KafkaClients kafka,
    PostgresConnections connections,
    IOptions<CaptureOptions> options,
    CaptureTelemetry telemetry,
    ReplicationProgress progress)
{
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(30);

    public async Task RunAsync(Action connected, CancellationToken stoppingToken)
    {
        var settings = options.Value;
        await topics.EnsureAsync(stoppingToken).ConfigureAwait(false);
        await slots.CheckPrerequisitesAsync(settings.PublicationName, stoppingToken).ConfigureAwait(false);
        var headers = new DebeziumHeaders(settings.TopicPrefix, Guid.CreateVersion7());
        using var publisher = new RecordPublisher(
            kafka.Changes, headers, new InFlightBudget(settings.MaxInFlightBytes), telemetry, progress, connections.Database);
        try
        {
            StreamStart start;
            using (var preparing = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, publisher.Failed))
            {
                try
                {
                    start = await starter.PrepareAsync(publisher, preparing.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (publisher.FailureReason is { } failure && !stoppingToken.IsCancellationRequested)
                {
                    throw failure;
                }
            }

            await streamer.RunAsync(start, publisher, kafka, connected, stoppingToken).ConfigureAwait(false);
        }
        finally
        {
            if (publisher.InFlight > 0)
            {
                await Task.Run(() => kafka.Changes.Flush(SettleTimeout), CancellationToken.None).ConfigureAwait(false);
            }
        }
    }
}
