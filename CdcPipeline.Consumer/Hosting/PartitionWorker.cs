using System.Threading.Channels;
using CdcPipeline.Consumer.Options;
using CdcPipeline.Consumer.Processing;
using Confluent.Kafka;

namespace CdcPipeline.Consumer.Hosting;

/// <summary>
/// The ordered worker of one assigned partition: takes the partition's messages in offset order, in batches of up
/// to <c>Consumer:BatchSize</c> gathered for at most <c>Consumer:BatchTimeout</c>. Orders waiting for their users
/// are parked by key (an orders partition only) and attempted again on their own schedule between batches, so every
/// other key goes on. After each step the worker hands <paramref name="storeOffset"/> the next offset to commit: the
/// oldest parked event's, else the end of what it has processed. While <c>Consumer:MaxParkedPerPartition</c> events
/// are parked it takes no new batch (the partition is paused) until the park drains. Stopping cancels the parked
/// waits at once (the parked events are redelivered, never dead-lettered) and gives the step in hand
/// <c>Consumer:StopGracePeriod</c>; then it is cancelled and its offset not stored (redelivered; the idempotent
/// writes absorb it).
/// </summary>
internal sealed class PartitionWorker
{
    private readonly Channel<ConsumeResult<byte[]?, byte[]?>> _queue =
        Channel.CreateUnbounded<ConsumeResult<byte[]?, byte[]?>>(new UnboundedChannelOptions { SingleWriter = true });

    /// <summary>Requests of the parked cohorts' retries: the worker alone writes the partition, in between its batches.</summary>
    private readonly Channel<ParkWork> _parkWork = Channel.CreateUnbounded<ParkWork>();

    private readonly List<Task> _retries = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _cancelBatch;
    private readonly PartitionBatchProcessor _processor;
    private readonly MissingUserRetry _missingUserRetry;
    private readonly ConsumerHealth _health;
    private readonly ConsumerOptions _options;
    private readonly Action<TopicPartitionOffset> _storeOffset;
    private readonly CancellationToken _abort;
    private readonly ParkedOrders? _park;
    private readonly string _name;
    private Task<bool>? _messagesWaiting;
    private Task<bool>? _parkWorkWaiting;
    private Task? _stopped;
    private long _processedEnd = -1;
    private long _stored = -1;
    private int _busy;

    public PartitionWorker(
        TopicPartition partition, PartitionBatchProcessor processor, MissingUserRetry missingUserRetry, ConsumerHealth health,
        ConsumerOptions options, Action<TopicPartitionOffset> storeOffset, CancellationToken abort)
    {
        Partition = partition;
        _name = $"{partition.Topic} [{partition.Partition.Value}]";
        _processor = processor;
        _missingUserRetry = missingUserRetry;
        _health = health;
        _options = options;
        _storeOffset = storeOffset;
        _abort = abort;
        _park = string.Equals(partition.Topic, options.Topics.Orders, StringComparison.Ordinal)
            ? new ParkedOrders(options.MaxParkedPerPartition)
            : null;
        _cancelBatch = CancellationTokenSource.CreateLinkedTokenSource(abort);
        Completion = Task.Run(RunAsync, CancellationToken.None);
    }

    public TopicPartition Partition { get; }

    /// <summary>Ends when the worker stops; faults when a batch failed in a way that must stop the consumer.</summary>
    public Task Completion { get; }

    public int Queued => _queue.Reader.Count;

    /// <summary>Events parked behind orders waiting for their users.</summary>
    public int Parked => _park?.Count ?? 0;

    /// <summary>The park is full: the worker takes no new batch until it has drained to half.</summary>
    public bool ParkFull => _park?.IsFull ?? false;

    /// <summary>Nothing queued, in hand or parked.</summary>
    public bool IsIdle => Queued == 0 && Volatile.Read(ref _busy) == 0 && Parked == 0;

    public bool Paused { get; set; }

    /// <summary>The consumer reached the partition's end and no message came since (enable.partition.eof).</summary>
    public bool AtEnd { get; set; }

    /// <summary>Set when the partition was lost: its offsets belong to another member now and are not stored.</summary>
    public bool Lost { get; set; }

    /// <summary>Told when the batch in hand was cancelled after the stop grace period.</summary>
    public Action<TopicPartition, TimeSpan>? BatchAbandoned { get; init; }

    /// <summary>Told when the worker stops with events still parked: how many, and the offset they are redelivered from.</summary>
    public Action<TopicPartition, int, long>? ParkedLeft { get; init; }

    public void Enqueue(ConsumeResult<byte[]?, byte[]?> message) => _queue.Writer.TryWrite(message);

    /// <summary>Takes no more messages (queued ones are redelivered later); the batch in hand gets <paramref name="grace"/>.</summary>
    public Task StopAsync(TimeSpan grace)
    {
        _queue.Writer.TryComplete();
        _stop.Cancel();
        _cancelBatch.CancelAfter(grace);
        return Completion;
    }

    private async Task RunAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var (batch, work) = await NextWorkAsync();
                if (batch.Count == 0 && work is null)
                {
                    return;
                }

                Volatile.Write(ref _busy, 1);
                try
                {
                    if (work is not null)
                    {
                        await DoAsync(work);
                    }
                    else
                    {
                        var cohort = await _processor.ProcessAsync(batch, _park, _cancelBatch.Token);
                        _processedEnd = batch[^1].Offset.Value + 1;
                        if (cohort is not null)
                        {
                            _retries.RemoveAll(retry => retry.IsCompleted);
                            _retries.Add(RetryAsync(cohort));
                        }
                    }

                    StoreProgress();
                }
                catch (OperationCanceledException) when (_cancelBatch.IsCancellationRequested)
                {
                    if (!_abort.IsCancellationRequested)
                    {
                        BatchAbandoned?.Invoke(Partition, _options.StopGracePeriod);
                    }

                    return;
                }
                finally
                {
                    Volatile.Write(ref _busy, 0);
                }
            }
        }
        finally
        {
            await _stop.CancelAsync();
            _parkWork.Writer.TryComplete();
            await Task.WhenAll(_retries);
            if (_park is { Count: > 0 } park)
            {
                ParkedLeft?.Invoke(Partition, park.Count, park.Oldest!.Value);
                _processor.Abandon(park, Partition.Topic);
            }

            _health.Parked(_name, 0, full: false);
        }
    }

    private async Task DoAsync(ParkWork work)
    {
        try
        {
            if (work.IsExpiry)
            {
                await _processor.ExpireAsync(_park!, work.Cohort, _cancelBatch.Token);
            }
            else
            {
                work.Done.TrySetResult(await _processor.RetryParkedAsync(_park!, work.Cohort, _cancelBatch.Token));
            }
        }
        catch
        {
            work.Done.TrySetCanceled();
            throw;
        }
    }

    /// <summary>
    /// The next offset to commit: never past the oldest parked event, so a crash or a revoke redelivers it. Also
    /// tells the health check how many events are parked.
    /// </summary>
    private void StoreProgress()
    {
        _health.Parked(_name, Parked, ParkFull);
        var next = _park?.Oldest is { } oldest ? Math.Min(oldest, _processedEnd) : _processedEnd;
        if (next > _stored && !Lost)
        {
            _storeOffset(new TopicPartitionOffset(Partition, next));
            _stored = next;
        }
    }

    /// <summary>Runs the cohort's retry schedule; once its budget is spent the worker is asked to dead-letter what still waits.</summary>
    private async Task RetryAsync(ParkCohort cohort)
    {
        try
        {
            if (!await _missingUserRetry.WaitAsync(cohort, AttemptAsync, _stop.Token))
            {
                _parkWork.Writer.TryWrite(ParkWork.Expire(cohort));
            }
        }
        catch (OperationCanceledException)
        {
            // The worker stops: the cohort's events stay parked, uncommitted, and are redelivered.
        }
    }

    private async Task<bool> AttemptAsync(ParkCohort cohort, CancellationToken cancellationToken)
    {
        var work = ParkWork.Attempt(cohort);
        if (!_parkWork.Writer.TryWrite(work))
        {
            throw new OperationCanceledException(cancellationToken);
        }

        return await work.Done.Task.WaitAsync(cancellationToken);
    }

    /// <summary>A batch of messages, or a parked cohort's retry; empty and null when the worker stops.</summary>
    private async Task<(List<ConsumeResult<byte[]?, byte[]?>> Batch, ParkWork? Work)> NextWorkAsync()
    {
        var empty = new List<ConsumeResult<byte[]?, byte[]?>>();
        while (true)
        {
            if (_parkWork.Reader.TryRead(out var work))
            {
                return (empty, work);
            }

            if (!ParkFull && _queue.Reader.TryPeek(out _))
            {
                return (await NextBatchAsync(), null);
            }

            // The pending waits are kept across iterations: a new wait each time would pile up waiters on the idle channel.
            _parkWorkWaiting ??= _parkWork.Reader.WaitToReadAsync(_stop.Token).AsTask();
            Task messages = ParkFull
                ? _stopped ??= Task.Delay(Timeout.Infinite, _stop.Token)
                : _messagesWaiting ??= _queue.Reader.WaitToReadAsync(_stop.Token).AsTask();
            await Task.WhenAny(_parkWorkWaiting, messages);
            if (_stop.IsCancellationRequested)
            {
                return (empty, null);
            }

            if (_parkWorkWaiting.IsCompleted)
            {
                _parkWorkWaiting = null;
            }

            if (_messagesWaiting is { IsCompleted: true } waited)
            {
                _messagesWaiting = null;
                if (!waited.Result)
                {
                    return (empty, null);
                }
            }
        }
    }

    private async Task<List<ConsumeResult<byte[]?, byte[]?>>> NextBatchAsync()
    {
        var batch = new List<ConsumeResult<byte[]?, byte[]?>>();
        var reader = _queue.Reader;
        Volatile.Write(ref _busy, 1);
        using var gathering = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        gathering.CancelAfter(_options.BatchTimeout);
        while (batch.Count < _options.BatchSize)
        {
            while (batch.Count < _options.BatchSize && reader.TryRead(out var message))
            {
                batch.Add(message);
            }

            if (batch.Count >= _options.BatchSize)
            {
                break;
            }

            try
            {
                if (!await reader.WaitToReadAsync(gathering.Token))
                {
                    break;
                }
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return batch;
    }

    /// <summary>What a parked cohort's retry asks of the worker: an attempt (answered in <see cref="Done"/>) or, its budget spent, the dead letters.</summary>
    private sealed record ParkWork(ParkCohort Cohort, bool IsExpiry)
    {
        public TaskCompletionSource<bool> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public static ParkWork Attempt(ParkCohort cohort) => new(cohort, IsExpiry: false);

        public static ParkWork Expire(ParkCohort cohort) => new(cohort, IsExpiry: true);
    }
}
