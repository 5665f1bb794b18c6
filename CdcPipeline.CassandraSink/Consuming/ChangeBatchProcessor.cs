using System.Diagnostics;
using CdcPipeline.CassandraSink.Changes;
using CdcPipeline.CassandraSink.Decoding;
using CdcPipeline.CassandraSink.Schema;
using CdcPipeline.CassandraSink.Writing;
using CdcPipeline.ServiceDefaults.Kafka;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CdcPipeline.CassandraSink.Consuming;

/// <summary>
/// Does everything a consumed batch needs before its offsets may be stored: decodes each message, dead-letters the
/// undecodable ones, counts tombstones and unknown tables, and writes the changes to Cassandra, retrying until
/// Cassandra acknowledged them.
/// </summary>
internal sealed class ChangeBatchProcessor(
    DebeziumDecoder decoder,
    WritePlanner planner,
    CassandraWriter writer,
    KafkaDeadLetterPublisher deadLetters,
    SinkHealth health,
    SchemaAgreement schemaAgreement,
    SourceResetDetector resets,
    IOptions<SinkOptions> options,
    ILogger<ChangeBatchProcessor> logger,
    TimeProvider time)
{
    private readonly Retry _retry = new(options.Value, health, logger, time);

    private readonly string _group = options.Value.ConsumerGroup;

    public async Task ProcessAsync(IReadOnlyList<ConsumeResult<byte[]?, byte[]?>> batch, CancellationToken cancellationToken)
    {
        var messages = Decode(batch);
        try
        {
            using var activity = StartBatchActivity(messages);
            SinkTelemetry.BatchSize.Record(batch.Count);

            foreach (var message in messages)
            {
                await HandleSkippedAsync(message, cancellationToken).ConfigureAwait(false);
            }

            var partitionBatches = PartitionBatch.Group(messages.SelectMany(m => m.Writes));
            if (partitionBatches.Count > 0)
            {
                await _retry.RunAsync(
                    "Writing to Cassandra",
                    token => writer.WriteAsync(partitionBatches, token),
                    IsTransient,
                    cancellationToken).ConfigureAwait(false);
            }

            var acknowledged = time.GetUtcNow();
            var changes = 0;
            foreach (var message in messages)
            {
                if (message.Outcome is DecodeOutcome.Change { Row: var row })
                {
                    changes++;
                    resets.Observe(message.Result.TopicPartitionOffset, row.Position);
                    var table = new KeyValuePair<string, object?>(SinkTelemetry.TableTag, row.Table);
                    if (row.Position.SourceTime is { } committed)
                    {
                        SinkTelemetry.ChangeLag.Record((acknowledged - committed).TotalSeconds, table);
                    }

                    if (row.EventTime is { } happened)
                    {
                        SinkTelemetry.Freshness.Record((acknowledged - happened).TotalSeconds, table);
                    }

                    SinkTelemetry.ChangesApplied.Add(1, table, new(SinkTelemetry.OperationTag, UserDecoding.Op(row.Operation).ToString()));
                }
            }

            activity?.SetTag("cdc.changes", changes);
            activity?.SetTag("cdc.partition_batches", partitionBatches.Count);
            logger.BatchApplied(changes, partitionBatches.Count, batch.Count);
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
    /// Decodes every message and starts its process span, continuing the trace of the message's header or else of the
    /// row's <c>trace_parent</c>: the trace of the Producer's event that wrote the row.
    /// </summary>
    private List<ConsumedMessage> Decode(IReadOnlyList<ConsumeResult<byte[]?, byte[]?>> batch)
    {
        var previous = Activity.Current;
        var messages = new List<ConsumedMessage>(batch.Count);
        foreach (var result in batch)
        {
            var value = result.Message?.Value;
            var outcome = decoder.Decode(value, value is null);
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
                SinkTelemetry.Tombstones.Add(1, new KeyValuePair<string, object?>(SinkTelemetry.TopicTag, result.Topic));
                break;
            case DecodeOutcome.UnknownTable(var table):
                SinkTelemetry.ChangesIgnored.Add(1, new KeyValuePair<string, object?>(SinkTelemetry.TableTag, table));
                logger.UnknownTable(table, result.Topic, result.Partition.Value, result.Offset.Value);
                break;
            case DecodeOutcome.Undecodable(var reason):
                await PublishInTraceAsync(message, reason, cancellationToken).ConfigureAwait(false);
                SinkTelemetry.ChangesDeadLettered.Add(1, new KeyValuePair<string, object?>(SinkTelemetry.TopicTag, result.Topic));
                message.Process?.SetStatus(ActivityStatusCode.Error, reason);
                message.Process?.SetTag("cdc.dead_letter.reason", reason);
                logger.DeadLettered(result.Topic, result.Partition.Value, result.Offset.Value, reason);
                break;
        }
    }

    /// <summary>The dead letter's publish span joins the message's own trace.</summary>
    private async Task PublishInTraceAsync(ConsumedMessage message, string reason, CancellationToken cancellationToken)
    {
        var previous = Activity.Current;
        Activity.Current = message.Process ?? previous;
        try
        {
            await _retry.RunAsync(
                "Dead-lettering an undecodable change",
                token => deadLetters.PublishAsync(message.Result, reason, error: null, token),
                DeadLetterFailures.IsTransient,
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
