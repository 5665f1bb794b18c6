using CdcPipeline.CassandraSink.Schema;
using CdcPipeline.CassandraSink.Writing;
using Confluent.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CdcPipeline.CassandraSink.Consuming;

/// <summary>
/// The consumer loop: applies the Cassandra schema, subscribes to the change topics, then repeatedly consumes a
/// batch, has it applied and stores its offsets (auto-offset-store is off: an offset is stored only after
/// Cassandra acknowledged the batch's writes, and committed by the client's periodic commit and on Close).
/// </summary>
internal sealed class ChangeStreamWorker(
    IConsumer<byte[]?, byte[]?> consumer,
    SchemaInitializer schema,
    ChangeBatchProcessor processor,
    SinkHealth health,
    IOptions<SinkOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<ChangeStreamWorker> logger,
    TimeProvider time) : BackgroundService
{
    private static readonly TimeSpan IdlePoll = TimeSpan.FromMilliseconds(250);

    private readonly SinkOptions _options = options.Value;

    // Consume blocks its thread: the loop gets a thread of its own instead of a pool thread.
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(() => RunAsync(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        try
        {
            await new Retry(_options, health, logger, time).RunAsync(
                "Applying the Cassandra schema", schema.ApplyAsync, CassandraFailures.IsTransient, stoppingToken).ConfigureAwait(false);

            consumer.Subscribe(_options.Topics);
            logger.Subscribed(string.Join(", ", _options.Topics), _options.ConsumerGroup);
            while (!stoppingToken.IsCancellationRequested)
            {
                var batch = ConsumeBatch(stoppingToken);
                if (batch.Count == 0)
                {
                    continue;
                }

                await processor.ProcessAsync(batch, stoppingToken).ConfigureAwait(false);
                StoreOffsets(batch);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: offsets of a batch not fully applied stay unstored, so it is consumed again after restart.
        }
        catch (KafkaException e) when (e.Error.IsFatal)
        {
            logger.FatalKafkaError(e.Error.Reason, e);
            health.Unhealthy($"fatal Kafka error: {e.Error.Reason}");
            lifetime.StopApplication();
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            // Not worth retrying (e.g. Cassandra refuses the schema): stop with the reason instead of skipping changes.
            logger.Stopped(e.Message, e);
            health.Unhealthy($"stopped: {e.Message}");
            lifetime.StopApplication();
        }
        finally
        {
            consumer.Close();
        }
    }

    /// <summary>Up to MaxBatchSize messages, waiting at most MaxBatchWait after the first one.</summary>
    private List<ConsumeResult<byte[]?, byte[]?>> ConsumeBatch(CancellationToken stoppingToken)
    {
        var batch = new List<ConsumeResult<byte[]?, byte[]?>>();
        DateTimeOffset? deadline = null;
        while (batch.Count < _options.MaxBatchSize && !stoppingToken.IsCancellationRequested)
        {
            var wait = deadline is { } d ? d - time.GetUtcNow() : IdlePoll;
            if (wait < TimeSpan.Zero)
            {
                break;
            }

            ConsumeResult<byte[]?, byte[]?>? result;
            try
            {
                result = consumer.Consume(wait);
            }
            catch (ConsumeException e) when (!e.Error.IsFatal)
            {
                // E.g. a change topic that Debezium has not created yet: the subscription picks it up once it exists.
                logger.ConsumeError(e.Error.Code.ToString(), e.Error.Reason);
                stoppingToken.WaitHandle.WaitOne(IdlePoll);
                break;
            }

            if (result is null)
            {
                if (deadline is null)
                {
                    break;
                }

                continue;
            }

            if (result.IsPartitionEOF)
            {
                continue;
            }

            batch.Add(result);
            deadline ??= time.GetUtcNow() + _options.MaxBatchWait;
        }

        return batch;
    }

    private void StoreOffsets(List<ConsumeResult<byte[]?, byte[]?>> batch)
    {
        foreach (var last in batch.GroupBy(r => r.TopicPartition).Select(g => g.MaxBy(r => r.Offset.Value)!))
        {
            try
            {
                consumer.StoreOffset(last);
            }
            catch (KafkaException e)
            {
                // The partition was revoked meanwhile: its new owner replays from the last commit (writes are idempotent).
                logger.StoreOffsetFailed(last.TopicPartitionOffset.ToString(), e.Error.Reason);
            }
        }
    }
}
