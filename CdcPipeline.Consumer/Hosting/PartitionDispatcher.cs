using System.Collections.Concurrent;
using CdcPipeline.Consumer.Options;
using CdcPipeline.Consumer.Processing;
using CdcPipeline.Consumer.Telemetry;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CdcPipeline.Consumer.Hosting;

/// <summary>
/// Dispatches each consumed message to its partition's <see cref="PartitionWorker"/>, one worker per assigned
/// partition, following the group's rebalances: assigned partitions
/// get a worker; revoked ones finish their batch in hand and commit before they go; lost ones stop without
/// committing. Also pauses a partition whose worker falls behind or has too many events parked, so memory stays
/// bounded.
/// </summary>
internal sealed class PartitionDispatcher(
    PartitionBatchProcessor processor,
    MissingUserRetry missingUserRetry,
    ConsumerHealth health,
    IOptions<ConsumerOptions> options,
    ILogger<PartitionDispatcher> logger)
{
    private readonly ConcurrentDictionary<TopicPartition, PartitionWorker> _workers = new();
    private readonly CancellationTokenSource _abort = new();
    private readonly ConsumerOptions _options = options.Value;
    private IConsumer<byte[]?, byte[]?>? _consumer;

    /// <summary>A worker that failed: the consumer stops rather than skip its partition.</summary>
    public (TopicPartition Partition, Exception Error)? Failure { get; private set; }

    /// <summary>The consumer has joined its group at least once (a first assignment, even of no partitions).</summary>
    public bool Joined { get; private set; }

    /// <summary>Every assigned partition has reached its end (partition EOF after its last message) and is applied.</summary>
    public bool CaughtUp => !_workers.IsEmpty && _workers.Values.All(worker => worker.AtEnd && worker.IsIdle);

    /// <summary>The consumer reached the end of <paramref name="partition"/> (enable.partition.eof).</summary>
    public void ReachedEnd(IConsumer<byte[]?, byte[]?> consumer, TopicPartition partition) =>
        _workers.GetOrAdd(partition, p => Start(consumer, p)).AtEnd = true;

    /// <summary>Hooks the rebalance handlers into the consumer being built.</summary>
    public void Attach(ConsumerBuilder<byte[]?, byte[]?> builder) =>
        builder
            .SetPartitionsAssignedHandler((consumer, partitions) => Assign(consumer, partitions))
            .SetPartitionsRevokedHandler((consumer, partitions) => Revoke(consumer, partitions.Select(p => p.TopicPartition)))
            .SetPartitionsLostHandler((consumer, partitions) => Lose(consumer, partitions.Select(p => p.TopicPartition)));

    /// <summary>Routes a message to its partition's worker and pauses the partition when its worker falls behind.</summary>
    public void Dispatch(IConsumer<byte[]?, byte[]?> consumer, ConsumeResult<byte[]?, byte[]?> message)
    {
        var worker = _workers.GetOrAdd(message.TopicPartition, partition => Start(consumer, partition));
        worker.AtEnd = false;
        worker.Enqueue(message);
        if (!worker.Paused && worker.Queued >= _options.MaxQueuedPerPartition)
        {
            consumer.Pause([worker.Partition]);
            worker.Paused = true;
            logger.PartitionPaused(worker.Partition.Topic, worker.Partition.Partition.Value, worker.Queued);
        }
    }

    /// <summary>
    /// Pauses partitions whose park is full, resumes paused partitions whose workers have caught up and whose park has
    /// drained; reports a failed worker.
    /// </summary>
    public void Supervise(IConsumer<byte[]?, byte[]?> consumer)
    {
        foreach (var worker in _workers.Values)
        {
            if (worker.Completion.IsFaulted && Failure is null)
            {
                Failure = (worker.Partition, worker.Completion.Exception!.GetBaseException());
            }

            if (!worker.Paused && worker.ParkFull)
            {
                consumer.Pause([worker.Partition]);
                worker.Paused = true;
                logger.ParkFull(worker.Partition.Topic, worker.Partition.Partition.Value, worker.Parked, _options.MaxParkedPerPartition);
            }
            else if (worker.Paused && !worker.ParkFull && worker.Queued <= _options.MaxQueuedPerPartition / 2)
            {
                consumer.Resume([worker.Partition]);
                worker.Paused = false;
            }
        }
    }

    /// <summary>Stops every worker after its batch in hand (shutdown).</summary>
    public void StopAll() => Stop(_workers.Keys.ToArray());

    /// <summary>Cancels the batches in hand: the host's shutdown timeout ran out. Their offsets are not stored.</summary>
    public void Abort() => _abort.Cancel();

    private void Assign(IConsumer<byte[]?, byte[]?> consumer, List<TopicPartition> partitions)
    {
        Joined = true;
        foreach (var partition in partitions)
        {
            _workers.GetOrAdd(partition, p => Start(consumer, p));
        }

        logger.PartitionsAssigned(string.Join(", ", partitions));
    }

    private void Revoke(IConsumer<byte[]?, byte[]?> consumer, IEnumerable<TopicPartition> partitions)
    {
        var revoked = partitions.ToArray();
        Stop(revoked);
        // librdkafka keeps a partition's pause flag across revoke and reassignment: a partition paused by
        // back-pressure before it moved would otherwise never deliver again when it comes back. (Resuming in the
        // assign handler fails: the partitions are not assigned yet while it runs.)
        Resume(consumer, revoked);
        StoredOffsets.Commit(consumer, logger);

        logger.PartitionsRevoked(string.Join(", ", revoked));
    }

    private void Lose(IConsumer<byte[]?, byte[]?> consumer, IEnumerable<TopicPartition> partitions)
    {
        var lost = partitions.ToArray();
        foreach (var partition in lost)
        {
            if (_workers.TryGetValue(partition, out var worker))
            {
                worker.Lost = true;
            }
        }

        Stop(lost);
        Resume(consumer, lost);
        logger.PartitionsLost(string.Join(", ", lost));
    }

    private void Stop(TopicPartition[] partitions)
    {
        var stopping = new List<Task>();
        foreach (var partition in partitions)
        {
            if (_workers.TryRemove(partition, out var worker))
            {
                stopping.Add(worker.StopAsync(_options.StopGracePeriod));
            }
        }

        try
        {
            // Rebalance callbacks and shutdown run on the consume thread, which must wait for the batches in hand.
            Task.WhenAll(stopping).GetAwaiter().GetResult();
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            if (Failure is null && stopping.FirstOrDefault(task => task.IsFaulted) is { } failed)
            {
                Failure = (partitions[0], failed.Exception!.GetBaseException());
            }
        }
    }

    private PartitionWorker Start(IConsumer<byte[]?, byte[]?> consumer, TopicPartition partition)
    {
        _consumer = consumer;
        return new PartitionWorker(partition, processor, missingUserRetry, health, _options, StoreOffset, _abort.Token)
        {
            BatchAbandoned = (abandoned, grace) => logger.BatchAbandoned(abandoned.Topic, abandoned.Partition.Value, grace),
            ParkedLeft = (stopped, count, offset) => logger.AwaitingUsersDeferred(count, stopped.Topic, stopped.Partition.Value, offset),
        };
    }

    private void Resume(IConsumer<byte[]?, byte[]?> consumer, IReadOnlyCollection<TopicPartition> partitions)
    {
        if (partitions.Count == 0)
        {
            return;
        }

        try
        {
            consumer.Resume(partitions);
        }
        catch (KafkaException exception)
        {
            logger.ResumeFailed(string.Join(", ", partitions), exception.Error.Reason);
        }
    }

    private void StoreOffset(TopicPartitionOffset offset)
    {
        try
        {
            _consumer!.StoreOffset(offset);
        }
        catch (KafkaException exception)
        {
            logger.StoreOffsetFailed(offset.Offset.Value, offset.Topic, offset.Partition.Value, exception.Error.Reason);
        }
    }
}
