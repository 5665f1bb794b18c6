using System.Text;
using System.Text.Json;
using CdcPipeline.Capture.Options;
using CdcPipeline.Capture.Publishing;
using Confluent.Kafka;
using Microsoft.Extensions.Options;

namespace CdcPipeline.Capture.Offsets;

/// <summary>
/// The capture's offsets topic (<c>Capture:OffsetsTopic</c>, compacted, keyed by slot name), as Kafka Connect keeps
/// connector offsets in Kafka: the durable record that a slot's snapshot completed, written only after Kafka
/// acknowledged every snapshot record and before streaming starts.
/// </summary>
/// <remarks>
/// The slot itself holds the streaming position (its <c>confirmed_flush_lsn</c>), so this topic holds nothing else.
/// Before a slot is (re)created, a record with <c>snapshot_completed=false</c> replaces any earlier one, so a crash
/// in the middle of the new snapshot is never mistaken for the completed snapshot of a slot of the same name that was
/// dropped.
/// </remarks>
internal sealed class OffsetStore(KafkaClients kafka, IConsumer<byte[]?, byte[]?> consumer, IOptions<CaptureOptions> options)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    private readonly Lock _consumerGate = new();

    private string Topic => options.Value.OffsetsTopic;

    /// <summary>The last record for <paramref name="slot"/>, or null when there is none (or the topic does not exist).</summary>
    public Task<CaptureOffset?> ReadAsync(string slot, CancellationToken cancellationToken) =>
        Task.Run(() => Read(slot, cancellationToken), cancellationToken);

    public async Task WriteAsync(CaptureOffset offset, CancellationToken cancellationToken)
    {
        var message = new Message<byte[]?, byte[]?> { Key = Encoding.UTF8.GetBytes(offset.Slot), Value = Serialize(offset) };
        await kafka.Untraced.ProduceAsync(Topic, message, cancellationToken).ConfigureAwait(false);
    }

    private CaptureOffset? Read(string slot, CancellationToken cancellationToken)
    {
        var timeout = options.Value.AdminTimeout;
        using var admin = new DependentAdminClientBuilder(kafka.Handle).Build();
        // Metadata of all topics: asking for the topic by name could auto-create it.
        var topic = admin.GetMetadata(timeout).Topics.FirstOrDefault(t => t.Topic == Topic && !t.Error.IsError && t.Partitions.Count > 0);
        if (topic is null)
        {
            return null;
        }

        var key = Encoding.UTF8.GetBytes(slot);
        lock (_consumerGate)
        {
            var partitions = topic.Partitions.Select(p => new TopicPartition(Topic, p.PartitionId)).ToList();
            var ends = partitions.ToDictionary(p => p.Partition.Value, p => consumer.QueryWatermarkOffsets(p, timeout).High.Value);
            var pending = ends.Where(e => e.Value > 0).Select(e => e.Key).ToHashSet();
            CaptureOffset? found = null;
            if (pending.Count == 0)
            {
                return null;
            }

            consumer.Assign(partitions.Where(p => pending.Contains(p.Partition.Value)).Select(p => new TopicPartitionOffset(p, Offset.Beginning)));
            try
            {
                var deadline = DateTime.UtcNow + timeout;
                while (pending.Count > 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (DateTime.UtcNow > deadline)
                    {
                        throw new KafkaException(new Error(ErrorCode.Local_TimedOut,
                            $"Reading offsets topic {Topic} did not reach its end within {timeout} (Capture:AdminTimeout)."));
                    }

                    var result = consumer.Consume(PollInterval);
                    if (result is null || result.IsPartitionEOF)
                    {
                        continue;
                    }

                    if (result.Message.Key is { } recordKey && recordKey.AsSpan().SequenceEqual(key))
                    {
                        found = result.Message.Value is null ? null : Deserialize(slot, result.Message.Value);
                    }

                    if (result.Offset.Value + 1 >= ends[result.Partition.Value])
                    {
                        pending.Remove(result.Partition.Value);
                    }
                }
            }
            finally
            {
                consumer.Unassign();
            }

            return found;
        }
    }

    private static byte[] Serialize(CaptureOffset offset)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteString("slot", offset.Slot);
            writer.WriteBoolean("snapshot_completed", offset.SnapshotCompleted);
            if (offset.SnapshotLsn is { } lsn)
            {
                writer.WriteNumber("lsn", lsn);
            }

            if (offset.SnapshotTimestampMicros is { } micros)
            {
                writer.WriteNumber("ts_usec", micros);
            }

            writer.WriteEndObject();
        }

        return stream.ToArray();
    }

    private static CaptureOffset Deserialize(string slot, byte[] value)
    {
        using var document = JsonDocument.Parse(value);
        var root = document.RootElement;
        return new CaptureOffset(
            slot,
            root.TryGetProperty("snapshot_completed", out var completed) && completed.ValueKind == JsonValueKind.True,
            root.TryGetProperty("lsn", out var lsn) && lsn.TryGetUInt64(out var l) ? l : null,
            root.TryGetProperty("ts_usec", out var ts) && ts.TryGetInt64(out var t) ? t : null);
    }
}
