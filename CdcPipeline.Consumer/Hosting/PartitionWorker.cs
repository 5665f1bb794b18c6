using System.Threading.Channels;
using CdcPipeline.Consumer.Options;
using CdcPipeline.Consumer.Processing;
using Confluent.Kafka;

namespace CdcPipeline.Consumer.Hosting;

/// <summary>
/// The ordered worker of one assigned partition: takes the partition's messages in offset order, in batches of up
/// to <c>Consumer:BatchSize</c> gathered for at most <c>Consumer:BatchTimeout</c>, and hands each batch's next
/// offset to <paramref name="storeOffset"/> once the batch is durable. Stopping ends a missing-user wait at once
/// (what still waits is redelivered) and gives the rest of the batch in hand <c>Consumer:StopGracePeriod</c>; then
/// the batch is cancelled and its offset not stored (redelivered; the idempotent writes absorb it).
/// </summary>
internal sealed class PartitionWorker
{
    private readonly Channel<ConsumeResult<byte[]?, byte[]?>> _queue =
        Channel.CreateUnbounded<ConsumeResult<byte[]?, byte[]?>>(new UnboundedChannelOptions { SingleWriter = true });

    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _cancelBatch;
    private readonly PartitionBatchProcessor _processor;
    private readonly ConsumerOptions _options;
    private readonly Action<TopicPartitionOffset> _storeOffset;
    private readonly CancellationToken _abort;
    private int _busy;

    public PartitionWorker(
        TopicPartition partition, PartitionBatchProcessor processor, ConsumerOptions options,
        Action<TopicPartitionOffset> storeOffset, CancellationToken abort)
    {
        Partition = partition;
        _processor = processor;
        _options = options;
        _storeOffset = storeOffset;
        _abort = abort;
        _cancelBatch = CancellationTokenSource.CreateLinkedTokenSource(abort);
        Completion = Task.Run(RunAsync, CancellationToken.None);
    }

    public TopicPartition Partition { get; }

    /// <summary>Ends when the worker stops; faults when a batch failed in a way that must stop the consumer.</summary>
    public Task Completion { get; }

    public int Queued => _queue.Reader.Count;

    public bool IsIdle => Queued == 0 && Volatile.Read(ref _busy) == 0;

    public bool Paused { get; set; }

    /// <summary>The consumer reached the partition's end and no message came since (enable.partition.eof).</summary>
    public bool AtEnd { get; set; }

    /// <summary>Set when the partition was lost: its offsets belong to another member now and are not stored.</summary>
    public bool Lost { get; set; }

    /// <summary>Told when the batch in hand was cancelled after the stop grace period.</summary>
    public Action<TopicPartition, TimeSpan>? BatchAbandoned { get; init; }

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
        while (!_stop.IsCancellationRequested)
        {
            var batch = await NextBatchAsync();
            if (batch.Count == 0)
            {
                return;
            }

            Volatile.Write(ref _busy, 1);
            try
            {
                var next = await _processor.ProcessAsync(batch, _stop.Token, _cancelBatch.Token);
                if (!Lost && next is { } offset)
                {
                    _storeOffset(offset);
                }
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

    private async Task<List<ConsumeResult<byte[]?, byte[]?>>> NextBatchAsync()
    {
        var batch = new List<ConsumeResult<byte[]?, byte[]?>>();
        var reader = _queue.Reader;
        try
        {
            if (!await reader.WaitToReadAsync(_stop.Token))
            {
                return batch;
            }
        }
        catch (OperationCanceledException)
        {
            return batch;
        }

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
}
