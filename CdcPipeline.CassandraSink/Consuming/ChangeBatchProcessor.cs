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

    public async Task ProcessAsync(IReadOnlyList<ConsumeResult<byte[]?, byte[]?>> batch, CancellationToken cancellationToken)
    {
        using var activity = StartBatchActivity(batch);
        SinkTelemetry.BatchSize.Record(batch.Count);

        var messages = batch.Select(Decode).ToList();
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

        var changes = 0;
        foreach (var message in messages)
        {
            if (message.Outcome is DecodeOutcome.Change { Row: var row })
            {
                changes++;
                resets.Observe(message.Result.TopicPartitionOffset, row.Position);
                if (row.Position.SourceTime is { } committed)
                {
                    SinkTelemetry.ChangeLag.Record(
                        (time.GetUtcNow() - committed).TotalSeconds, new KeyValuePair<string, object?>(SinkTelemetry.TableTag, row.Table));
                }

                SinkTelemetry.ChangesApplied.Add(1,
                    new(SinkTelemetry.TableTag, row.Table),
                    new(SinkTelemetry.OperationTag, UserDecoding.Op(row.Operation).ToString()));
            }
        }

        activity?.SetTag("cdc.changes", changes);
        activity?.SetTag("cdc.partition_batches", partitionBatches.Count);
        logger.BatchApplied(changes, partitionBatches.Count, batch.Count);
    }

    private bool IsTransient(Exception error) =>
        CassandraFailures.IsTransient(error)
        || (CassandraFailures.IsUnconfiguredTable(error) && schemaAgreement.IsSettling(options.Value.SchemaAgreementTimeout));

    private ConsumedMessage Decode(ConsumeResult<byte[]?, byte[]?> result)
    {
        var value = result.Message?.Value;
        var outcome = decoder.Decode(value, value is null);
        IReadOnlyList<CqlWrite> writes = outcome is DecodeOutcome.Change { Row: var row } ? planner.Plan(row) : [];
        return new ConsumedMessage(result, outcome, writes);
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
                await _retry.RunAsync(
                    "Dead-lettering an undecodable change",
                    token => deadLetters.PublishAsync(result, reason, error: null, token),
                    DeadLetterFailures.IsTransient,
                    cancellationToken).ConfigureAwait(false);
                SinkTelemetry.ChangesDeadLettered.Add(1, new KeyValuePair<string, object?>(SinkTelemetry.TopicTag, result.Topic));
                logger.DeadLettered(result.Topic, result.Partition.Value, result.Offset.Value, reason);
                break;
        }
    }

    /// <summary>One span per batch, linked to the trace of every event in it (a batch has many parents).</summary>
    private static Activity? StartBatchActivity(IReadOnlyList<ConsumeResult<byte[]?, byte[]?>> batch)
    {
        var links = batch
            .Select(result => KafkaTraceContext.Extract(result.Message?.Headers))
            .Where(context => context != default)
            .Distinct()
            .Select(context => new ActivityLink(context))
            .ToList();
        var activity = SinkTelemetry.ActivitySource.StartActivity(
            "apply changes", ActivityKind.Consumer, parentContext: default, links: links);
        activity?.SetTag("messaging.system", "kafka");
        activity?.SetTag("messaging.operation.type", "process");
        activity?.SetTag("messaging.batch.message_count", batch.Count);
        return activity;
    }
}
