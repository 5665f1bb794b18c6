using CdcPipeline.Capture.Options;
using CdcPipeline.Capture.Postgres;
using CdcPipeline.Capture.Publishing;
using CdcPipeline.Capture.Records;
using CdcPipeline.Capture.Telemetry;
using Confluent.Kafka;
using Microsoft.Extensions.Options;

namespace CdcPipeline.Capture.Heartbeats;

/// <summary>
/// Every <c>Capture:HeartbeatInterval</c>: a heartbeat record on <c>__debezium-heartbeat.{prefix}</c>, partition 0, no
/// headers; then Debezium's heartbeat action query on a normal connection, which writes a non-transactional logical
/// message into the WAL. That message comes back through the slot and is confirmed once everything before it is, so
/// an idle database does not pin WAL.
/// </summary>
internal sealed class HeartbeatEmitter(
    KafkaClients kafka,
    PostgresConnections connections,
    IOptions<CaptureOptions> options,
    CaptureTelemetry telemetry,
    TimeProvider clock,
    ILogger<HeartbeatEmitter> logger)
{
    /// <summary>The connector's <c>heartbeat.action.query</c>.</summary>
    public const string ActionQuery = "SELECT pg_logical_emit_message(false, 'cdc-heartbeat', now()::varchar)";

    private readonly HeartbeatRecords _records = new(options.Value.TopicPrefix, options.Value.SchemasEnable);
    private readonly string _topic = TopicNames.Heartbeat(options.Value.TopicPrefix);
    private int _failing;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var interval = options.Value.HeartbeatInterval;
        if (interval <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(interval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                await EmitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One heartbeat record and one action query; failures are logged, not thrown (the stream reports its own).</summary>
    public async Task EmitAsync(CancellationToken cancellationToken)
    {
        if (options.Value.HeartbeatInterval <= TimeSpan.Zero)
        {
            return;
        }

        try
        {
            var message = new Message<byte[]?, byte[]?> { Key = _records.Key, Value = _records.Value(clock.GetUtcNow().ToUnixTimeMilliseconds()) };
            kafka.Untraced.Produce(new TopicPartition(_topic, new Partition(0)), message, report =>
            {
                if (report.Error.IsError)
                {
                    Failed($"the heartbeat record was not acknowledged: {report.Error.Code} {report.Error.Reason}");
                }
                else
                {
                    telemetry.Heartbeat();
                }
            });
            await using var command = connections.DataSource.CreateCommand(ActionQuery);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            Interlocked.Exchange(ref _failing, 0);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Failed(e.Message);
        }
    }

    private void Failed(string reason)
    {
        if (Interlocked.Exchange(ref _failing, 1) == 0)
        {
            logger.HeartbeatFailed(reason);
        }
        else
        {
            logger.HeartbeatFailedAgain(reason);
        }
    }
}
