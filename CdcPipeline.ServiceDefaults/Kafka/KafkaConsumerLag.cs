using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text.Json;

namespace CdcPipeline.ServiceDefaults.Kafka;

/// <summary>
/// Consumer lag per partition currently assigned to the client, read from librdkafka's statistics JSON and reported by the gauge
/// <c>cdc.kafka.consumer.lag</c> of the host's <see cref="KafkaTelemetry"/>, fed by the statistics handler of every
/// consumer registered with <c>AddKafkaConsumer</c>.
/// </summary>
public sealed class KafkaConsumerLag
{
    private readonly ConcurrentDictionary<string, IReadOnlyList<PartitionLag>> _byClient = new();

    /// <summary>Replaces what is known of one client (by its statistics <c>name</c>) with this statistics report.</summary>
    public void Record(string statisticsJson, string? consumerGroup = null)
    {
        if (string.IsNullOrEmpty(statisticsJson))
        {
            return;
        }

        using var document = JsonDocument.Parse(statisticsJson);
        var root = document.RootElement;
        if (!root.TryGetProperty("name", out var name) || name.GetString() is not { } client)
        {
            return;
        }

        var lags = new List<PartitionLag>();
        if (root.TryGetProperty("topics", out var topics) && topics.ValueKind == JsonValueKind.Object)
        {
            foreach (var topic in topics.EnumerateObject())
            {
                if (!topic.Value.TryGetProperty("partitions", out var partitions) || partitions.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                foreach (var partition in partitions.EnumerateObject())
                {
                    // Partition -1 is librdkafka's internal unassigned queue; a negative lag means "not known yet"
                    // (no committed offset or no end offset).
                    if (!int.TryParse(partition.Name, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id) || id < 0
                        || !IsAssigned(partition.Value)
                        || !partition.Value.TryGetProperty("consumer_lag", out var lag) || !lag.TryGetInt64(out var value) || value < 0)
                    {
                        continue;
                    }

                    lags.Add(new PartitionLag(topic.Name, id, consumerGroup, value));
                }
            }
        }

        _byClient[client] = lags;
    }

    /// <summary>
    /// librdkafka keeps statistics of partitions it no longer consumes (revoked or unassigned) with their last lag;
    /// only partitions assigned to the client now are reported, so a revoked one does not leave a frozen series.
    /// </summary>
    private static bool IsAssigned(JsonElement partition) =>
        (partition.TryGetProperty("desired", out var desired) && desired.ValueKind == JsonValueKind.True)
        || (partition.TryGetProperty("fetch_state", out var state) && state.ValueKind == JsonValueKind.String && state.ValueEquals("active"));

    /// <summary>Forgets a client that is closed, so its partitions stop being reported.</summary>
    public void Forget(string clientName) => _byClient.TryRemove(clientName, out _);

    internal IEnumerable<Measurement<long>> Observe()
    {
        foreach (var lags in _byClient.Values)
        {
            foreach (var lag in lags)
            {
                yield return new Measurement<long>(
                    lag.Lag,
                    new KeyValuePair<string, object?>(KafkaTelemetry.SystemTag, KafkaTelemetry.System),
                    new KeyValuePair<string, object?>(KafkaTelemetry.DestinationTag, lag.Topic),
                    new KeyValuePair<string, object?>(KafkaTelemetry.PartitionTag, lag.Partition.ToString(CultureInfo.InvariantCulture)),
                    new KeyValuePair<string, object?>(KafkaTelemetry.GroupTag, lag.Group));
            }
        }
    }

    private sealed record PartitionLag(string Topic, int Partition, string? Group, long Lag);
}
