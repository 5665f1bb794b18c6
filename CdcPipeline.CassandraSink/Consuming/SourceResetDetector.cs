using CdcPipeline.CassandraSink.Changes;
using CdcPipeline.CassandraSink.Options;
using CdcPipeline.CassandraSink.Telemetry;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CdcPipeline.CassandraSink.Consuming;

/// <summary>
/// Notices when the source started over: a snapshot read after streamed changes of the same partition (a new
/// initial snapshot), or the commit LSN going far back (a restored or new PostgreSQL). Either way the changes that
/// follow carry lower write timestamps than the rows already in Cassandra and lose to them, so the sink says so:
/// an error log with what to do, <c>cdc.sink.source.resets</c>, and a degraded health check.
/// Only messages at a higher Kafka offset than the last one seen count, so a replay of the partition is no reset.
/// </summary>
internal sealed class SourceResetDetector(
    SinkHealth health, SinkTelemetry telemetry, IOptions<SinkOptions> options, ILogger<SourceResetDetector> logger)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<TopicPartition, (long Offset, long CommitLsn)> _streamed = [];

    public void Observe(TopicPartitionOffset where, SourcePosition position)
    {
        string? reset = null;
        lock (_lock)
        {
            var known = _streamed.TryGetValue(where.TopicPartition, out var last);
            var newer = !known || where.Offset.Value > last.Offset;
            if (position.IsSnapshot)
            {
                if (known && newer && !position.IsIncrementalSnapshot)
                {
                    reset = $"a snapshot read (source.lsn {position.Lsn}) follows streamed changes (up to commit LSN {last.CommitLsn})";
                    _streamed.Remove(where.TopicPartition);
                }
            }
            else if (newer)
            {
                var commitLsn = position.LastCommitLsn ?? position.Lsn;
                if (known && commitLsn < last.CommitLsn - options.Value.SourceResetLsnThreshold)
                {
                    reset = $"the commit LSN went back from {last.CommitLsn} to {commitLsn}";
                }

                _streamed[where.TopicPartition] = (where.Offset.Value, commitLsn);
            }
        }

        if (reset is not null)
        {
            logger.SourceReset(where.Topic, where.Partition.Value, where.Offset.Value, reset);
            telemetry.RecordSourceReset(where.Topic);
            health.Degraded(
                $"source reset on {where}: {reset}; changes that follow may lose to older rows in Cassandra. " +
                "Stop the sink, truncate the keyspace's tables (or drop the keyspace), reset the consumer group to the earliest offsets, restart.");
        }
    }
}
