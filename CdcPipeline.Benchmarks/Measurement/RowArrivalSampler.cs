using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using CdcPipeline.ServiceDefaults.Cassandra;
using Confluent.Kafka;

namespace CdcPipeline.Benchmarks.Measurement;

/// <summary>
/// End-to-end latency as a user sees it: follows the Producer's topics, picks about <see cref="SamplesPerSecond"/>
/// create events a second, and polls Cassandra every <see cref="PollInterval"/> for each one's row; the latency is the
/// time the row was first read minus the event's own time (the Producer's clock, the same machine's). An upper bound,
/// by at most one poll interval.
/// </summary>
internal sealed class RowArrivalSampler : IAsyncDisposable
{
    public const int SamplesPerSecond = 40;
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(60);

    private readonly CqlSession _session;
    private readonly PreparedStatement _user;
    private readonly PreparedStatement _order;
    private readonly int _every;
    private readonly ConcurrentBag<(DateTimeOffset EventTime, double LatencyMs, bool IsUser)> _arrived = [];
    private readonly ConcurrentDictionary<Task, byte> _pending = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _reader;
    private readonly IConsumer<byte[]?, byte[]?> _consumer;
    private int _missing;

    private RowArrivalSampler(CqlSession session, PreparedStatement user, PreparedStatement order, IConsumer<byte[]?, byte[]?> consumer, string usersTopic, int rate)
    {
        _session = session;
        _user = user;
        _order = order;
        _consumer = consumer;
        // Creates are 60 % of the events.
        _every = Math.Max(1, (int)(rate * 0.6 / SamplesPerSecond));
        _reader = new Thread(() => Read(usersTopic)) { IsBackground = true, Name = "row-arrival-sampler" };
        _reader.Start();
    }

    public static async Task<RowArrivalSampler> StartAsync(
        string bootstrap, CqlSession session, string keyspace, IReadOnlyList<TopicPartition> partitions, string usersTopic, int rate)
    {
        var user = await session.PrepareAsync($"SELECT id FROM {keyspace}.users WHERE id = ?");
        var order = await session.PrepareAsync($"SELECT id FROM {keyspace}.orders WHERE id = ?");
        var consumer = TailConsumer.Create(bootstrap, partitions);
        return new RowArrivalSampler(session, user, order, consumer, usersTopic, rate);
    }

    /// <summary>Rows sampled that never arrived within a minute.</summary>
    public int Missing => Volatile.Read(ref _missing);

    /// <summary>Stops sampling, waits for the rows still awaited, and returns every latency, by event time.</summary>
    public async Task<IReadOnlyList<(DateTimeOffset EventTime, double LatencyMs, bool IsUser)>> FinishAsync()
    {
        await _stop.CancelAsync();
        _reader.Join();
        await Task.WhenAll(_pending.Keys);
        return [.. _arrived.OrderBy(a => a.EventTime)];
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await FinishAsync();
        }

        _consumer.Dispose();
        _stop.Dispose();
    }

    private void Read(string usersTopic)
    {
        var creates = 0;
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var result = _consumer.Consume(_stop.Token);
                if (result.Message.Value is not { } value)
                {
                    continue;
                }

                using var json = JsonDocument.Parse(value);
                var body = json.RootElement;
                if (body.GetProperty("event_type").GetString() != "CREATE" || creates++ % _every != 0)
                {
                    continue;
                }

                var isUser = result.Topic == usersTopic;
                var id = Guid.Parse(body.GetProperty(isUser ? "user_id" : "order_id").GetString()!);
                var time = DateTimeOffset.Parse(body.GetProperty(isUser ? "created_at" : "placed_at").GetString()!, CultureInfo.InvariantCulture);
                var wait = AwaitRowAsync(isUser, id, time);
                _pending.TryAdd(wait, 0);
                _ = wait.ContinueWith(t => _pending.TryRemove(t, out _), TaskScheduler.Default);
            }
        }
        catch (OperationCanceledException)
        {
            // Sampling stopped.
        }
    }

    private async Task AwaitRowAsync(bool isUser, Guid id, DateTimeOffset eventTime)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < GiveUpAfter)
        {
            var rows = await _session.QueryAsync(isUser ? _user : _order, id);
            if (rows.CurrentPage.Count > 0)
            {
                _arrived.Add((eventTime, (DateTimeOffset.UtcNow - eventTime).TotalMilliseconds, isUser));
                return;
            }

            await Task.Delay(PollInterval);
        }

        Interlocked.Increment(ref _missing);
    }
}
