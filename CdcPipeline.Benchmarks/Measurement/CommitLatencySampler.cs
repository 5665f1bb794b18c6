using System.Collections.Concurrent;
using System.Text.Json;
using Confluent.Kafka;

namespace CdcPipeline.Benchmarks.Measurement;

/// <summary>
/// Capture latency: follows the change topics and, for every change record, takes the time it became readable in
/// Kafka minus its transaction's commit time in PostgreSQL (<c>source.ts_ms</c>). Readable means acknowledged by
/// every replica (acks=all), so this bounds commit -> Kafka ack from above (by one fetch round trip).
/// </summary>
internal sealed class CommitLatencySampler : IDisposable
{
    private readonly IConsumer<byte[]?, byte[]?> _consumer;
    private readonly ConcurrentBag<double> _latencies = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _reader;

    public CommitLatencySampler(string bootstrap, IReadOnlyList<TopicPartition> partitions)
    {
        _consumer = TailConsumer.Create(bootstrap, partitions);
        _reader = new Thread(Read) { IsBackground = true, Name = "commit-latency-sampler" };
        _reader.Start();
    }

    public IReadOnlyList<double> Finish()
    {
        _stop.Cancel();
        _reader.Join();
        return [.. _latencies];
    }

    public void Dispose()
    {
        if (!_stop.IsCancellationRequested)
        {
            Finish();
        }

        _consumer.Dispose();
        _stop.Dispose();
    }

    private void Read()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var result = _consumer.Consume(_stop.Token);
                var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                if (result.Message.Value is not { } value)
                {
                    continue;
                }

                using var json = JsonDocument.Parse(value);
                var envelope = json.RootElement.TryGetProperty("payload", out var payload) ? payload : json.RootElement;
                if (envelope.TryGetProperty("source", out var source) && source.TryGetProperty("ts_ms", out var committed))
                {
                    _latencies.Add(now - committed.GetInt64());
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Sampling stopped.
        }
    }
}
