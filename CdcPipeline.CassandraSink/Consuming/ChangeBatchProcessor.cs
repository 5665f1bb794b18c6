using System.Diagnostics;
using CdcPipeline.CassandraSink.Changes;
using CdcPipeline.CassandraSink.Decoding;
using CdcPipeline.CassandraSink.Options;
using CdcPipeline.CassandraSink.Schema;
using CdcPipeline.CassandraSink.Telemetry;
using CdcPipeline.CassandraSink.Writing;
using CdcPipeline.ServiceDefaults.Cassandra;
using CdcPipeline.ServiceDefaults.Kafka;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CdcPipeline.CassandraSink.Consuming;

/// <summary>
/// Does everything a consumed batch needs before its offsets may be stored: decodes each message, dead-letters the
/// undecodable ones, counts tombstones and unknown tables, and writes the changes to Cassandra, retrying until
/// Cassandra acknowledged them. A change whose write Cassandra refuses for its own values is isolated and
/// dead-lettered with Cassandra's reason; the rest of the batch is applied.
/// </summary>
internal sealed class ChangeBatchProcessor(
    DebeziumDecoder decoder,
    WritePlanner planner,
    CassandraWriter writer,
    KafkaDeadLetterPublisher deadLetters,
    SchemaAgreement schemaAgreement,
    SourceResetDetector resets,
    Retry retry,
    SinkTelemetry telemetry,
    IOptions<SinkOptions> options,
    SinkDependencies dependencies,
    ILogger<ChangeBatchProcessor> logger,
    TimeProvider time)
{
    private readonly string _group = options.Value.ConsumerGroup;

    public async Task ProcessAsync(IReadOnlyList<ConsumeResult<byte[]?, byte[]?>> batch, CancellationToken cancellationToken)
    {
        var messages = Decode(batch);
        try
        {
            using var activity = StartBatchActivity(messages);
            telemetry.RecordBatch(batch.Count);

            foreach (var message in messages)
            {
                await HandleSkippedAsync(message, cancellationToken).ConfigureAwait(false);
            }

            var writeBatches = WriteBatch.Pack(messages.SelectMany(m => m.Writes));
            IReadOnlyList<RefusedWrite> refusals = [];
            if (writeBatches.Count > 0)
            {
                await retry.RunAsync(
                    "Writing to Cassandra",
                    dependencies.Cassandra,
                    async token => refusals = await writer.WriteAsync(writeBatches, token).ConfigureAwait(false),
                    IsTransient,
                    cancellationToken).ConfigureAwait(false);
            }

            var refused = await DeadLetterRefusedAsync(messages, refusals, cancellationToken).ConfigureAwait(false);
            var acknowledged = time.GetUtcNow();
            var changes = 0;
            foreach (var message in messages)
            {
                if (message.Outcome is DecodeOutcome.Change { Row: var row } && !refused.Contains(message))
                {
                    changes++;
                    resets.Observe(message.Result.TopicPartitionOffset, row.Position);
                    telemetry.RecordApplied(
                        row.Table, UserDecoding.Op(row.Operation), acknowledged - row.Position.SourceTime, acknowledged - row.EventTime);
                }
            }

            activity?.SetTag("cdc.changes", changes);
            activity?.SetTag("cdc.write_batches", writeBatches.Count);
            logger.BatchApplied(changes, writeBatches.Count, batch.Count);
        }
        finally
        {
            foreach (var message in messages)
            {
                message.Process?.Dispose();
            }
        }
    }

    private bool IsTransient(Exception error) =>
        CassandraFailures.IsTransient(error)
        || (CassandraFailures.IsUnconfiguredTable(error) && schemaAgreement.IsSettling(options.Value.SchemaAgreementTimeout));

    /// <summary>
    /// Decodes every message (on every core: decoding is most of a batch's CPU and each message stands alone), then
    /// starts each one's process span in order, continuing the trace of the message's header or else of the row's
    /// <c>trace_parent</c>: the trace of the Producer's event that wrote the row.
    /// </summary>
    private List<ConsumedMessage> Decode(IReadOnlyList<ConsumeResult<byte[]?, byte[]?>> batch)
    {
        var outcomes = new DecodeOutcome[batch.Count];
        Parallel.For(0, batch.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            var value = batch[i].Message?.Value;
            outcomes[i] = decoder.Decode(value, value is null);
        });

        var previous = Activity.Current;
        var messages = new List<ConsumedMessage>(batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            var result = batch[i];
            var outcome = outcomes[i];
            var rowTrace = outcome is DecodeOutcome.Change { Row.TraceParent: { } trace } ? trace : default;
            var process = KafkaActivities.StartProcess(result, _group, rowTrace);
            Activity.Current = previous;
            IReadOnlyList<CqlWrite> writes = outcome is DecodeOutcome.Change { Row: var row } ? planner.Plan(row) : [];
            messages.Add(new ConsumedMessage(result, process, outcome, writes));
        }

        return messages;
    }

    private async Task HandleSkippedAsync(ConsumedMessage message, CancellationToken cancellationToken)
    {
        var result = message.Result;
        switch (message.Outcome)
        {
            case DecodeOutcome.Tombstone:
                telemetry.RecordTombstone(result.Topic);
                break;
            case DecodeOutcome.UnknownTable(var table):
                telemetry.RecordIgnored(table);
                logger.UnknownTable(table, result.Topic, result.Partition.Value, result.Offset.Value);
                break;
            case DecodeOutcome.Undecodable(var reason):
                await DeadLetterAsync(message, DeadLetterReasons.Undecodable(reason), cancellationToken).ConfigureAwait(false);
                break;
        }
    }

    /// <summary>
    /// Dead-letters each change with a write Cassandra refused, naming the statement, the row and Cassandra's error;
    /// returns those messages. Their other writes may have been applied (every write stands on its own, stamped with
    /// the change's write timestamp).
    /// </summary>
    private async Task<HashSet<ConsumedMessage>> DeadLetterRefusedAsync(
        List<ConsumedMessage> messages, IReadOnlyList<RefusedWrite> refusals, CancellationToken cancellationToken)
    {
        var refused = new HashSet<ConsumedMessage>(ReferenceEqualityComparer.Instance);
        if (refusals.Count == 0)
        {
            return refused;
        }

        var byWrite = refusals.ToDictionary<RefusedWrite, CqlWrite, CqlServerException>(
            refusal => refusal.Write, refusal => refusal.Error, ReferenceEqualityComparer.Instance);
        foreach (var message in messages)
        {
            var writes = message.Writes.Where(byWrite.ContainsKey).Select(write => new RefusedWrite(write, byWrite[write])).ToArray();
            if (writes.Length == 0)
            {
                continue;
            }

            var table = ((DecodeOutcome.Change)message.Outcome).Row.Table;
            await DeadLetterAsync(message, DeadLetterReasons.Refused(table, writes, message.Writes.Count), cancellationToken).ConfigureAwait(false);
            refused.Add(message);
        }

        return refused;
    }

    private async Task DeadLetterAsync(ConsumedMessage message, KafkaDeadLetterReason reason, CancellationToken cancellationToken)
    {
        var result = message.Result;
        await PublishInTraceAsync(message, reason, cancellationToken).ConfigureAwait(false);
        message.Process?.SetStatus(ActivityStatusCode.Error, reason.Text);
        message.Process?.SetTag("cdc.dead_letter.reason", reason.Text);
        logger.DeadLettered(result.Topic, result.Partition.Value, result.Offset.Value, reason.Text);
    }

    /// <summary>The dead letter's publish span joins the message's own trace.</summary>
    private async Task PublishInTraceAsync(ConsumedMessage message, KafkaDeadLetterReason reason, CancellationToken cancellationToken)
    {
        var previous = Activity.Current;
        Activity.Current = message.Process ?? previous;
        try
        {
            await retry.RunAsync(
                "Dead-lettering a change",
                dependencies.DeadLetterKafka,
                token => deadLetters.PublishAsync(message.Result, reason, token),
                KafkaDeadLetterPolicy.IsTransient,
                cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Activity.Current = previous;
        }
    }

    /// <summary>
    /// One span per batch, a child of the first message's process span that links the others (a batch has many
    /// parents), so the CQL statements under it land in the trace of the event that wrote the row.
    /// </summary>
    private static Activity? StartBatchActivity(List<ConsumedMessage> messages)
    {
        var parent = messages[0].Process?.Context ?? default;
        var links = messages.Skip(1).Where(message => message.Process is not null).Take(128)
            .Select(message => new ActivityLink(message.Process!.Context));
        var activity = SinkTelemetry.ActivitySource.StartActivity("apply changes", ActivityKind.Internal, parent, links: links);
        activity?.SetTag("db.system.name", "cassandra");
        activity?.SetTag("messaging.batch.message_count", messages.Count);
        return activity;
    }
}
