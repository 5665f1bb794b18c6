using System.Diagnostics;
using CdcPipeline.Consumer.Decoding;
using CdcPipeline.Consumer.Options;
using CdcPipeline.Consumer.Persistence;
using CdcPipeline.Consumer.Telemetry;
using CdcPipeline.Events;
using CdcPipeline.ServiceDefaults.Kafka;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CdcPipeline.Consumer.Processing;

/// <summary>
/// One batch of one partition, start to end: decode and validate, write every valid change in one transaction,
/// give orders whose user has not arrived their retry budget, dead-letter what cannot be applied, and only then
/// hand back the offset to store.
/// </summary>
internal sealed class PartitionBatchProcessor(
    ChangeApplier applier,
    DatabaseRetry databaseRetry,
    MissingUserRetry missingUserRetry,
    DeadLetterRetry deadLetters,
    UserChangeWriter userWriter,
    OrderChangeWriter orderWriter,
    ConsumerTelemetry telemetry,
    IOptions<ConsumerOptions> options,
    ILogger<PartitionBatchProcessor> logger)
{
    private readonly ConsumerOptions _options = options.Value;

    /// <summary>
    /// Processes the batch; returns the offset to store: the batch's last offset + 1, or, when <paramref name="stopping"/>
    /// ended a missing-user wait, the offset of the first event still waiting (null when that is the batch's first),
    /// so it and everything after it are redelivered.
    /// </summary>
    public async Task<TopicPartitionOffset?> ProcessAsync(
        IReadOnlyList<ConsumeResult<byte[]?, byte[]?>> batch, CancellationToken stopping, CancellationToken cancellationToken)
    {
        var first = batch[0];
        var isUsers = string.Equals(first.Topic, _options.Topics.Users, StringComparison.Ordinal);
        var events = Decode(batch, isUsers);
        try
        {
            var valid = events.Where(inbound => inbound.Change is not null).ToArray();
            if (valid.Length > 0)
            {
                await WriteAsync(isUsers ? userWriter : orderWriter, first.Topic, valid, stopping, cancellationToken);
            }

            var redeliverFrom = events.FirstOrDefault(inbound => inbound.Deferred)?.Message.Offset;
            var deadLettered = 0;
            foreach (var inbound in events.Where(inbound => inbound.Failure is not null && (redeliverFrom is null || inbound.Message.Offset < redeliverFrom)))
            {
                await PublishInTraceAsync(inbound, cancellationToken);
                telemetry.RecordDeadLettered(inbound.Message.Topic, inbound.FailureKind!);
                inbound.Process?.SetStatus(ActivityStatusCode.Error, inbound.Failure);
                inbound.Process?.SetTag("cdc.dead_letter.reason", inbound.Failure);
                logger.DeadLettered(inbound.Message.Topic, inbound.Message.Partition.Value, inbound.Message.Offset.Value,
                    deadLetters.DeadLetterTopic(inbound.Message.Topic), inbound.Failure!);
                deadLettered++;
            }

            var applied = events.Count(inbound => inbound.Applied);
            telemetry.RecordBatch(first.Topic, batch.Count, applied, events.Count(inbound => inbound.Stale));
            var last = batch[^1];
            logger.BatchApplied(batch.Count, last.Topic, last.Partition.Value, last.Offset.Value, applied, deadLettered);
            if (redeliverFrom is { } from)
            {
                return from == first.Offset ? null : new TopicPartitionOffset(first.TopicPartition, from);
            }

            return new TopicPartitionOffset(last.TopicPartition, last.Offset + 1);
        }
        finally
        {
            foreach (var inbound in events)
            {
                inbound.Process?.Dispose();
            }
        }
    }

    /// <summary>The dead letter's publish span joins the event's own trace.</summary>
    private async Task PublishInTraceAsync(InboundEvent inbound, CancellationToken cancellationToken)
    {
        var previous = Activity.Current;
        Activity.Current = inbound.Process ?? previous;
        try
        {
            await deadLetters.PublishAsync(inbound.Message, inbound.Failure!, inbound.Error, cancellationToken);
        }
        finally
        {
            Activity.Current = previous;
        }
    }

    private List<InboundEvent> Decode(IReadOnlyList<ConsumeResult<byte[]?, byte[]?>> batch, bool isUsers)
    {
        var previous = Activity.Current;
        var events = new List<InboundEvent>(batch.Count);
        foreach (var message in batch)
        {
            var process = KafkaActivities.StartProcess(message, _options.GroupId);
            Activity.Current = previous;
            var value = message.Message?.Value ?? [];
            var decoded = isUsers ? EventDecoder.DecodeUser(value) : EventDecoder.DecodeOrder(value);
            if (decoded.Change is { } change)
            {
                decoded = DecodeResult.Valid(change with { TraceParent = TraceParent(process, message) });
            }

            events.Add(new InboundEvent(message, process, decoded));
        }

        return events;
    }

    /// <summary>
    /// The trace the row records, for change capture to continue: the event's process span, or (tracing off) the
    /// producer's traceparent header, or none.
    /// </summary>
    private static string? TraceParent(Activity? process, ConsumeResult<byte[]?, byte[]?> message) =>
        process is { IdFormat: ActivityIdFormat.W3C } ? process.Id : KafkaTraceContext.TraceParent(message.Message?.Headers);

    /// <summary>
    /// The batch's write runs in one span whose parent is the first event's process span and which links the
    /// others, so the PostgreSQL command lands in the producer's trace.
    /// </summary>
    private async Task WriteAsync(
        IChangeWriter writer, string topic, InboundEvent[] valid, CancellationToken stopping, CancellationToken cancellationToken)
    {
        var previous = Activity.Current;
        var parent = valid[0].Process?.Context ?? default;
        var links = valid.Skip(1).Where(inbound => inbound.Process is not null).Take(128)
            .Select(inbound => new ActivityLink(inbound.Process!.Context));
        using var write = ConsumerTelemetry.ActivitySource.StartActivity($"apply {topic}", ActivityKind.Internal, parent, links: links);
        write?.SetTag("db.system.name", "postgresql");
        write?.SetTag("cdc.batch.size", valid.Length);
        try
        {
            var changes = valid.Select(inbound => inbound.Change!).ToArray();
            var result = await databaseRetry.ExecuteAsync(
                token => applier.ApplyAsync(writer, changes, ChangeApplier.NoAwaitingKeys, token), cancellationToken);
            Record(valid, result);

            var awaiting = result.AwaitingUser.Select(index => valid[index]).ToArray();
            if (awaiting.Length > 0)
            {
                telemetry.RecordAwaitingUser(topic, awaiting.Length);
                await missingUserRetry.ApplyAsync(writer, awaiting, stopping, cancellationToken);
            }
        }
        finally
        {
            Activity.Current = previous;
        }
    }

    /// <summary>Marks the events of <paramref name="result"/>, whose indexes are those of <paramref name="events"/>.</summary>
    internal static void Record(IReadOnlyList<InboundEvent> events, ApplyResult result)
    {
        foreach (var index in result.Applied)
        {
            events[index].MarkApplied();
        }

        foreach (var index in result.Stale)
        {
            events[index].MarkStale();
        }

        foreach (var index in result.MissingTarget)
        {
            var change = events[index].Change!;
            var entity = change is UserChange ? "user" : "order";
            events[index].MarkFailed("missing-row",
                $"{entity} {change.Key} does not exist: a {WireNames.Of(change.Type)} needs the row its CREATE makes");
        }

        foreach (var (index, error) in result.Rejected)
        {
            var column = error.ColumnName is null ? string.Empty : $" (column {error.ColumnName})";
            events[index].MarkFailed("rejected", $"rejected by PostgreSQL{column}: {error.SqlState} {error.MessageText}", error);
        }
    }
}
