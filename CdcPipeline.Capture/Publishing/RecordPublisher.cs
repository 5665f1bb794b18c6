using System.Diagnostics;
using CdcPipeline.Capture.Records;
using CdcPipeline.Capture.Schema;
using CdcPipeline.Capture.Telemetry;
using Confluent.Kafka;

namespace CdcPipeline.Capture.Publishing;

/// <summary>
/// Hands change records to Kafka without waiting for each: every record is produced with a delivery handler, in
/// flight within <see cref="InFlightBudget"/>, and counted against its <see cref="AckPosition"/> until Kafka
/// acknowledges it. A delete is followed by its tombstone (same topic, key and headers, null value). Kafka partitions
/// by the murmur2 hash of the exact key bytes (<c>partitioner=murmur2_random</c>, Kafka Java's default). The first
/// failed delivery fails the session (<see cref="Failed"/>): nothing after it is confirmed to PostgreSQL, and the
/// session restarts from the slot.
/// </summary>
internal sealed class RecordPublisher : IDisposable
{
    private static readonly TimeSpan QueueFullPause = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// What a record in flight costs besides its key and value: the headers, librdkafka's message and the managed
    /// message Confluent.Kafka keeps for the delivery report. Counted so the budget approximates memory, not payload.
    /// </summary>
    private const int RecordOverhead = 512;

    private readonly IProducer<byte[]?, byte[]?> _producer;
    private readonly DebeziumHeaders _headers;
    private readonly InFlightBudget _budget;
    private readonly CaptureTelemetry _telemetry;
    private readonly ReplicationProgress _progress;
    private readonly CancellationTokenSource _failure = new();
    private readonly string _database;
    private Exception? _failureReason;

    public RecordPublisher(
        IProducer<byte[]?, byte[]?> producer,
        DebeziumHeaders headers,
        InFlightBudget budget,
        CaptureTelemetry telemetry,
        ReplicationProgress progress,
        string database)
    {
        _producer = producer;
        _headers = headers;
        _budget = budget;
        _telemetry = telemetry;
        _progress = progress;
        _database = database;
    }

    /// <summary>Cancelled when a delivery failed.</summary>
    public CancellationToken Failed => _failure.Token;

    /// <summary>Why the first failed delivery failed, or null.</summary>
    public Exception? FailureReason => Volatile.Read(ref _failureReason);

    public int InFlight => _budget.Count;

    /// <summary>
    /// Publishes one change (and, for a delete, its tombstone) under a <c>capture {schema}.{table}</c> span whose
    /// parent is <paramref name="traceParent"/> when valid, else the current (transaction) span.
    /// </summary>
    public async ValueTask PublishChangeAsync(
        TableSchema schema, ChangeKind kind, byte[]? key, byte[] value, ActivityContext traceParent, ulong lsn, AckPosition position,
        CancellationToken cancellationToken)
    {
        var valueBytes = (key?.Length ?? 0) + value.Length + RecordOverhead;
        await _budget.AcquireAsync(valueBytes, cancellationToken).ConfigureAwait(false);
        var tombstone = kind == ChangeKind.Delete;
        if (tombstone)
        {
            await _budget.AcquireAsync((key?.Length ?? 0) + RecordOverhead, cancellationToken).ConfigureAwait(false);
        }

        using var activity = StartChangeActivity(schema, kind, traceParent, lsn);
        await ProduceAsync(schema.Topic, key, value, new Delivery(this, position, valueBytes, schema.QualifiedName, kind), cancellationToken)
            .ConfigureAwait(false);
        if (tombstone)
        {
            await ProduceAsync(schema.Topic, key, null, new Delivery(this, position, (key?.Length ?? 0) + RecordOverhead, null, kind), cancellationToken)
                .ConfigureAwait(false);
        }
    }

    private async ValueTask ProduceAsync(string topic, byte[]? key, byte[]? value, Delivery delivery, CancellationToken cancellationToken)
    {
        delivery.Position.RecordQueued();
        _progress.KafkaPending();
        while (true)
        {
            try
            {
                _producer.Produce(topic, new Message<byte[]?, byte[]?> { Key = key, Value = value, Headers = _headers.Create() }, delivery.Handle);
                return;
            }
            catch (ProduceException<byte[]?, byte[]?> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                // librdkafka's own queue is full (its limits are below Capture:MaxInFlightBytes): wait for deliveries.
                await Task.Delay(QueueFullPause, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                Fail(new KafkaDeliveryException($"Kafka refused a record for {topic}: {e.Message}", e));
                _budget.Release(delivery.Bytes);
                throw;
            }
        }
    }

    private Activity? StartChangeActivity(TableSchema schema, ChangeKind kind, ActivityContext traceParent, ulong lsn)
    {
        if (!CaptureTelemetry.ActivitySource.HasListeners())
        {
            return null;
        }

        var transaction = Activity.Current;
        ActivityLink[]? links = traceParent != default && transaction is not null ? [new ActivityLink(transaction.Context)] : null;
        var activity = CaptureTelemetry.ActivitySource.StartActivity(
            schema.SpanName,
            ActivityKind.Internal,
            traceParent != default ? traceParent : transaction?.Context ?? default,
            tags: null,
            links);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("db.system.name", "postgresql");
            activity.SetTag("db.namespace", _database);
            activity.SetTag("db.collection.name", schema.QualifiedName);
            activity.SetTag(CaptureTelemetry.OperationTag, CaptureTelemetry.Operation(kind));
            activity.SetTag("cdc.lsn", (long)lsn);
        }

        return activity;
    }

    private void Delivered(Delivery delivery, DeliveryReport<byte[]?, byte[]?> report)
    {
        var anyLeft = _budget.Release(delivery.Bytes);
        _progress.KafkaDelivered(anyLeft);
        if (report.Error.IsError)
        {
            Fail(new KafkaDeliveryException(
                $"Kafka did not acknowledge a record of {report.Topic}: {report.Error.Code} {report.Error.Reason}"));
            return;
        }

        if (delivery.Table is not null)
        {
            _telemetry.Published(delivery.Table, delivery.Kind);
        }

        delivery.Position.RecordDelivered();
    }

    private void Fail(Exception reason)
    {
        if (Interlocked.CompareExchange(ref _failureReason, reason, null) is null)
        {
            // Not on librdkafka's delivery thread: cancellation callbacks run the session's teardown.
            ThreadPool.UnsafeQueueUserWorkItem(static failure => failure.Cancel(), _failure, preferLocal: false);
        }
    }

    public void Dispose() => _failure.Dispose();

    /// <summary>What one record's delivery report settles: its position, its bytes, and (for a change, not a tombstone) its table and operation.</summary>
    private sealed class Delivery(RecordPublisher owner, AckPosition position, int bytes, string? table, ChangeKind kind)
    {
        public AckPosition Position { get; } = position;

        public int Bytes { get; } = bytes;

        public string? Table { get; } = table;

        public ChangeKind Kind { get; } = kind;

        public void Handle(DeliveryReport<byte[]?, byte[]?> report) => owner.Delivered(this, report);
    }
}
