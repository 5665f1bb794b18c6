using System.Diagnostics;
using CdcPipeline.Consumer.Decoding;
using CdcPipeline.Consumer.Options;
using CdcPipeline.Consumer.Persistence;
using CdcPipeline.Consumer.Telemetry;
using CdcPipeline.ServiceDefaults.Kafka;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CdcPipeline.Consumer.Processing;

/// <summary>
/// One batch of one partition, start to end: decode and validate, write every valid change in one transaction,
/// park orders whose user has not arrived (with the later events of those orders) so that every other key goes on,
/// and dead-letter what cannot be applied. The parked events are attempted again on their schedule
/// (<see cref="RetryParkedAsync"/>) and dead-lettered once their budget is spent (<see cref="ExpireAsync"/>). The
/// worker stores offsets after each step, never past the oldest parked event.
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
    TimeProvider timeProvider,
    ILogger<PartitionBatchProcessor> logger)
{
    private readonly ConsumerOptions _options = options.Value;

    /// <summary>
    /// Processes the batch. Orders waiting for their users go to <paramref name="park"/> (none for the users topic,
    /// or with a zero budget: then they are dead-lettered at once); returns the cohort of keys the batch newly parked.
    /// </summary>
    public async Task<ParkCohort?> ProcessAsync(
        IReadOnlyList<ConsumeResult<byte[]?, byte[]?>> batch, ParkedOrders? park, CancellationToken cancellationToken)
    {
        var first = batch[0];
        var isUsers = string.Equals(first.Topic, _options.Topics.Users, StringComparison.Ordinal);
        var events = Decode(batch, isUsers);
        var parked = new HashSet<InboundEvent>();
        try
        {
            ParkCohort? cohort = null;
            var valid = events.Where(inbound => inbound.Change is not null).ToArray();
            if (valid.Length > 0)
            {
                var awaiting = await WriteAsync(
                    isUsers ? userWriter : orderWriter, first.Topic, valid, park?.Keys ?? ChangeApplier.NoAwaitingKeys, cancellationToken);
                if (awaiting.Count > 0 && park is not null && missingUserRetry.Budget > TimeSpan.Zero)
                {
                    cohort = park.Park(awaiting, () => new ParkCohort(first.Topic, first.Partition.Value, timeProvider));
                    parked.UnionWith(awaiting);
                    telemetry.RecordParked(first.Topic, awaiting.Count);
                    logger.Parked(awaiting.Count, cohort?.Keys.Count ?? 0, first.Topic, first.Partition.Value, awaiting[0].Message.Offset.Value);
                }
                else
                {
                    foreach (var inbound in awaiting)
                    {
                        inbound.UserNeverArrived(missingUserRetry.Budget);
                    }
                }
            }

            var deadLettered = 0;
            foreach (var inbound in events.Where(inbound => inbound.DeadLetter is not null))
            {
                await DeadLetterAsync(inbound, cancellationToken);
                deadLettered++;
            }

            var applied = events.Count(inbound => inbound.Applied);
            telemetry.RecordBatch(first.Topic, batch.Count, applied, events.Count(inbound => inbound.Stale));
            var last = batch[^1];
            logger.BatchApplied(batch.Count, last.Topic, last.Partition.Value, last.Offset.Value, applied, deadLettered);
            return cohort;
        }
        finally
        {
            foreach (var inbound in events.Where(inbound => !parked.Contains(inbound)))
            {
                inbound.Process?.Dispose();
            }
        }
    }

    /// <summary>
    /// Attempts the parked events of <paramref name="cohort"/> again: what applies (or is stale, or fails for another
    /// reason, then dead-lettered) leaves the park; keys whose user is still missing stay. True once none is left.
    /// </summary>
    public async Task<bool> RetryParkedAsync(ParkedOrders park, ParkCohort cohort, CancellationToken cancellationToken)
    {
        var events = park.EventsOf(cohort);
        if (events.Count > 0)
        {
            await WriteAsync(orderWriter, cohort.Topic, events, ChangeApplier.NoAwaitingKeys, cancellationToken);
            await SettleAsync(park, cohort.Topic, events.Where(inbound => !inbound.AwaitingUser).ToArray(), cancellationToken);
        }

        return cohort.Keys.Count == 0;
    }

    /// <summary>The cohort's budget is spent: one last attempt, then what still waits is dead-lettered with the reason.</summary>
    public async Task ExpireAsync(ParkedOrders park, ParkCohort cohort, CancellationToken cancellationToken)
    {
        if (await RetryParkedAsync(park, cohort, cancellationToken))
        {
            return;
        }

        var expired = park.EventsOf(cohort);
        foreach (var inbound in expired)
        {
            inbound.UserNeverArrived(missingUserRetry.Budget);
        }

        await SettleAsync(park, cohort.Topic, expired, cancellationToken);
    }

    /// <summary>The worker stops: the parked events are left to be redelivered; their spans end.</summary>
    public void Abandon(ParkedOrders park, string topic)
    {
        var abandoned = park.All();
        foreach (var inbound in abandoned)
        {
            inbound.Process?.Dispose();
        }

        telemetry.RecordParked(topic, -abandoned.Count);
    }

    /// <summary>Events leave the park in offset order, a failed one only once its dead letter is durable.</summary>
    private async Task SettleAsync(ParkedOrders park, string topic, IReadOnlyList<InboundEvent> settled, CancellationToken cancellationToken)
    {
        var released = 0;
        try
        {
            foreach (var inbound in settled)
            {
                if (inbound.DeadLetter is not null)
                {
                    await DeadLetterAsync(inbound, cancellationToken);
                }

                park.Release(inbound);
                inbound.Process?.Dispose();
                released++;
            }
        }
        finally
        {
            telemetry.RecordParked(topic, -released);
            telemetry.RecordApplied(topic, settled.Take(released).Count(inbound => inbound.Applied), settled.Take(released).Count(inbound => inbound.Stale));
        }
    }

    private async Task DeadLetterAsync(InboundEvent inbound, CancellationToken cancellationToken)
    {
        var reason = inbound.DeadLetter!;
        await PublishInTraceAsync(inbound, reason, cancellationToken);
        inbound.Process?.SetStatus(ActivityStatusCode.Error, reason.Text);
        inbound.Process?.SetTag("cdc.dead_letter.reason", reason.Text);
        logger.DeadLettered(inbound.Message.Topic, inbound.Message.Partition.Value, inbound.Message.Offset.Value,
            deadLetters.DeadLetterTopic(inbound.Message.Topic), reason.Text);
    }

    /// <summary>The dead letter's publish span joins the event's own trace.</summary>
    private async Task PublishInTraceAsync(InboundEvent inbound, KafkaDeadLetterReason reason, CancellationToken cancellationToken)
    {
        var previous = Activity.Current;
        Activity.Current = inbound.Process ?? previous;
        try
        {
            await deadLetters.PublishAsync(inbound.Message, reason, cancellationToken);
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
    /// Writes the events' changes in one transaction and records each one's outcome on it; later events of
    /// <paramref name="parkedKeys"/> are not written. Returns the events left waiting for a user. The write runs in one span whose parent is the first event's
    /// process span and which links the others, so the PostgreSQL command lands in the producer's trace.
    /// </summary>
    private async Task<IReadOnlyList<InboundEvent>> WriteAsync(
        IChangeWriter writer, string topic, IReadOnlyList<InboundEvent> events, IReadOnlySet<Guid> parkedKeys,
        CancellationToken cancellationToken)
    {
        var previous = Activity.Current;
        var parent = events[0].Process?.Context ?? default;
        var links = events.Skip(1).Where(inbound => inbound.Process is not null).Take(128)
            .Select(inbound => new ActivityLink(inbound.Process!.Context));
        using var write = ConsumerTelemetry.ActivitySource.StartActivity($"apply {topic}", ActivityKind.Internal, parent, links: links);
        write?.SetTag("db.system.name", "postgresql");
        write?.SetTag("cdc.batch.size", events.Count);
        try
        {
            var changes = events.Select(inbound => inbound.Change!).ToArray();
            var outcomes = await databaseRetry.ExecuteAsync(
                token => applier.ApplyAsync(writer, changes, parkedKeys, token), cancellationToken);
            for (var index = 0; index < events.Count; index++)
            {
                events[index].Record(outcomes[index]);
            }

            return events.Where(inbound => inbound.AwaitingUser).ToArray();
        }
        finally
        {
            Activity.Current = previous;
        }
    }
}
