using CdcPipeline.CassandraSink.Options;
using CdcPipeline.CassandraSink.Schema;
using CdcPipeline.CassandraSink.Telemetry;
using CdcPipeline.CassandraSink.Writing;
using CdcPipeline.ServiceDefaults.Kafka;
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
    PartitionOwnership ownership,
    SinkHealth health,
    IOptions<SinkOptions> options,
    Retry retry,
    SinkDependencies dependencies,
    IHostApplicationLifetime lifetime,
    ILogger<ChangeStreamWorker> logger,
    TimeProvider time) : BackgroundService
{
    private static readonly TimeSpan IdlePoll = TimeSpan.FromMilliseconds(250);

    /// <summary>How long a batch may take before the worker pauses the assignment and polls while it completes.</summary>
    private static readonly TimeSpan PauseAfter = TimeSpan.FromMilliseconds(500);

    /// <summary>Consume's timeout while paused: short, so that a completed batch is noticed soon.</summary>
    private static readonly TimeSpan PausedPoll = TimeSpan.FromMilliseconds(100);

    private readonly SinkOptions _options = options.Value;

    // Consume and the waits for a batch block: the whole loop runs synchronously on a thread of its own, never on a
    // pool thread (the batch's asynchronous writes run on the pool while this thread keeps polling).
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(() => Run(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Run(CancellationToken stoppingToken)
    {
        try
        {
            retry.RunAsync(
                "Applying the Cassandra schema", dependencies.Cassandra, schema.ApplyAsync, CassandraFailures.IsTransient, stoppingToken)
                .GetAwaiter().GetResult();

            consumer.Subscribe(_options.Topics);
            logger.Subscribed(string.Join(", ", _options.Topics), _options.ConsumerGroup);
            while (!stoppingToken.IsCancellationRequested)
            {
                ownership.TakeRevoked();
                var batch = ConsumeBatch(stoppingToken);
                if (batch.Count == 0)
                {
                    continue;
                }

                batch = Apply(batch, stoppingToken);
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
            Environment.ExitCode = 1;
            lifetime.StopApplication();
        }
        catch (KafkaDeadLetterException e) when (KafkaDeadLetterPolicy.Refusal(e) is { } code && !stoppingToken.IsCancellationRequested)
        {
            // Retrying would stall every partition forever; skipping would lose the message: stop and say why.
            logger.DeadLetterRefused(code.ToString(), e.Message, e);
            health.Unhealthy($"stopped: Kafka refuses the dead letter for good ({code}): {e.Message}");
            Environment.ExitCode = 1;
            lifetime.StopApplication();
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            // Not worth retrying (e.g. Cassandra refuses the schema): stop with the reason instead of skipping changes.
            logger.Stopped(e.Message, e);
            health.Unhealthy($"stopped: {e.Message}");
            Environment.ExitCode = 1;
            lifetime.StopApplication();
        }
        finally
        {
            consumer.Close();
        }
    }

    /// <summary>
    /// Has the batch applied while the consumer stays in its group: a batch that takes long (Cassandra down) pauses
    /// the assignment and keeps calling Consume, which serves heartbeats, rebalances and max.poll.interval.ms.
    /// Messages of partitions revoked meanwhile are dropped (their new owner replays them); returns what was applied.
    /// </summary>
    private List<ConsumeResult<byte[]?, byte[]?>> Apply(List<ConsumeResult<byte[]?, byte[]?>> batch, CancellationToken stoppingToken)
    {
        while (batch.Count > 0)
        {
            using var revoked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var revokedPartitions = new HashSet<TopicPartition>();
            var processing = processor.ProcessAsync(batch, revoked.Token);
            if (!Wait(processing, PauseAfter))
            {
                PollWhilePaused(processing, batch, revokedPartitions, revoked);
            }

            try
            {
                processing.GetAwaiter().GetResult();
                return batch;
            }
            catch (OperationCanceledException) when (revoked.IsCancellationRequested && !stoppingToken.IsCancellationRequested)
            {
                var before = batch.Count;
                batch = batch.Where(r => !revokedPartitions.Contains(r.TopicPartition)).ToList();
                logger.RevokedDuringBatch(before - batch.Count, batch.Count);
            }
        }

        return batch;
    }

    private void PollWhilePaused(
        Task processing, List<ConsumeResult<byte[]?, byte[]?>> batch, HashSet<TopicPartition> revokedPartitions, CancellationTokenSource revoked)
    {
        var paused = consumer.Assignment;
        consumer.Pause(paused);
        logger.Paused(paused.Count);
        try
        {
            while (!Wait(processing, TimeSpan.Zero))
            {
                var unexpected = ConsumeWhilePaused();
                if (unexpected is not null)
                {
                    // A partition assigned during the pause: rewind it and pause it too, it is read after Resume.
                    consumer.Seek(unexpected.TopicPartitionOffset);
                }

                consumer.Pause(consumer.Assignment);
                revokedPartitions.UnionWith(ownership.TakeRevoked());
                if (!revoked.IsCancellationRequested && batch.Any(r => revokedPartitions.Contains(r.TopicPartition)))
                {
                    revoked.Cancel();
                }
            }
        }
        finally
        {
            consumer.Resume(consumer.Assignment);
            logger.Resumed(consumer.Assignment.Count);
        }
    }

    private ConsumeResult<byte[]?, byte[]?>? ConsumeWhilePaused()
    {
        try
        {
            var result = consumer.Consume(PausedPoll);
            return result is { IsPartitionEOF: false } ? result : null;
        }
        catch (ConsumeException e) when (!e.Error.IsFatal)
        {
            logger.ConsumeError(e.Error.Code.ToString(), e.Error.Reason);
            return null;
        }
    }

    private static bool Wait(Task task, TimeSpan timeout) => ((IAsyncResult)task).AsyncWaitHandle.WaitOne(timeout);

    /// <summary>Up to BatchSize messages, waiting at most BatchTimeout after the first one.</summary>
    private List<ConsumeResult<byte[]?, byte[]?>> ConsumeBatch(CancellationToken stoppingToken)
    {
        var batch = new List<ConsumeResult<byte[]?, byte[]?>>();
        DateTimeOffset? deadline = null;
        while (batch.Count < _options.BatchSize && !stoppingToken.IsCancellationRequested)
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
                DropRevoked(batch);
                stoppingToken.WaitHandle.WaitOne(IdlePoll);
                break;
            }

            DropRevoked(batch);

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
            deadline ??= time.GetUtcNow() + _options.BatchTimeout;
        }

        return batch;
    }

    /// <summary>Messages read before a rebalance took their partition: its next owner (maybe this sink again) reads them again.</summary>
    private void DropRevoked(List<ConsumeResult<byte[]?, byte[]?>> batch)
    {
        if (ownership.TakeRevoked() is { Count: > 0 } revoked)
        {
            batch.RemoveAll(r => revoked.Contains(r.TopicPartition));
        }
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
