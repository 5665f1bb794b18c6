using CdcPipeline.Consumer.Options;
using CdcPipeline.Consumer.Processing;
using CdcPipeline.Consumer.Telemetry;
using Confluent.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CdcPipeline.Consumer.Hosting;

/// <summary>
/// The consume loop, as Confluent's examples: one thread polls, hands each message to its partition's ordered
/// worker, and the workers store offsets only after their batch is durable (auto offset store off; stored
/// offsets are committed by the auto-commit timer, on revoke and on Close). A consume error is logged and
/// survived, a fatal one stops the service; Close() in finally commits and leaves the group.
/// </summary>
internal sealed class ConsumerLoop(
    IConsumer<byte[]?, byte[]?> consumer,
    PartitionDispatcher workers,
    UsersTopicProgress usersTopic,
    ConsumerHealth health,
    IOptions<ConsumerOptions> options,
    IHostApplicationLifetime lifetime,
    TimeProvider timeProvider,
    ILogger<ConsumerLoop> logger) : BackgroundService
{
    private static readonly TimeSpan PollTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>How long the stop waits for the consume thread (commit, Close) beyond the host's shutdown timeout.</summary>
    private static readonly TimeSpan RunDrainTimeout = TimeSpan.FromSeconds(10);

    private readonly ConsumerOptions _options = options.Value;
    private Task _run = Task.CompletedTask;

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _run = Task.Factory.StartNew(() => Run(stoppingToken), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        return _run;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // When the host's shutdown timeout runs out, batches still waiting (e.g. for PostgreSQL) are abandoned
        // uncommitted: they are redelivered on the next start.
        await using (cancellationToken.Register(workers.Abort))
        {
            try
            {
                await base.StopAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // The shutdown timeout ran out; the consume thread still commits and closes below.
            }
        }

        // The host disposes the Kafka clients once every hosted service has stopped: the consume thread must have
        // finished its commit and Close() by then.
        try
        {
            await _run.WaitAsync(RunDrainTimeout, CancellationToken.None);
        }
        catch (TimeoutException)
        {
            logger.ConsumeThreadStuck(RunDrainTimeout);
        }
    }

    private void Run(CancellationToken stoppingToken)
    {
        consumer.Subscribe(_options.TopicNames);
        logger.Subscribed(string.Join(", ", _options.TopicNames), _options.GroupId);
        var lastActivity = timeProvider.GetTimestamp();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                ConsumeResult<byte[]?, byte[]?>? message;
                try
                {
                    message = consumer.Consume(PollTimeout);
                }
                catch (ConsumeException exception) when (!exception.Error.IsFatal)
                {
                    logger.ConsumeError(exception.Error.Reason);
                    continue;
                }
                catch (KafkaException exception) when (exception.Error.IsFatal)
                {
                    Fail($"fatal Kafka error: {exception.Error.Reason}");
                    logger.FatalKafkaError(exception.Error.Reason);
                    return;
                }

                if (message is { IsPartitionEOF: true })
                {
                    workers.ReachedEnd(consumer, message.TopicPartition);
                }
                else if (message is not null)
                {
                    workers.Dispatch(consumer, message);
                }

                workers.Supervise(consumer);
                if (workers.Failure is { } failure)
                {
                    logger.WorkerFailed(failure.Error, failure.Partition.Topic, failure.Partition.Partition.Value);
                    Fail($"partition worker of {failure.Partition} failed: {failure.Error.Message}");
                    return;
                }

                // Idle means caught up: every assigned partition at its end (partition EOF) and every message handed
                // out applied. While the group rebalances (no partitions) the consumer is not idle, it is waiting for work.
                if (message is { IsPartitionEOF: false } || !workers.CaughtUp)
                {
                    lastActivity = timeProvider.GetTimestamp();
                }
                else if (_options.IdleTimeout is { } idle && timeProvider.GetElapsedTime(lastActivity) >= idle)
                {
                    logger.IdleTimeoutReached(idle);
                    lifetime.StopApplication();
                    return;
                }
            }
        }
        finally
        {
            workers.StopAll();
            usersTopic.Dispose();
            CommitStored();
            try
            {
                consumer.Close();
                if (workers.Joined)
                {
                    logger.Stopped();
                }
                else
                {
                    logger.StoppedBeforeJoining(_options.GroupId);
                }
            }
            catch (KafkaException exception)
            {
                logger.CloseFailed(exception.Error.Reason);
            }
        }
    }

    private void CommitStored() => StoredOffsets.Commit(consumer, logger);

    private void Fail(string reason)
    {
        health.Failed(reason);
        Environment.ExitCode = 1;
        lifetime.StopApplication();
    }
}
