using System.Collections.Concurrent;
using System.Globalization;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Microsoft.Extensions.Logging;

namespace CdcPipeline.ServiceDefaults.Kafka;

/// <summary>
/// Makes sure a dead-letter topic exists before the first dead letter goes to it, once per topic: with topic
/// auto-creation off, a dead letter to a missing topic would wait the whole delivery timeout and stall its partition.
/// Created like its origin topic (same partition count), replication factor min(3, brokers) and
/// <c>min.insync.replicas</c> min(2, factor). A broker without topic administration is noted once and left to
/// auto-create the topic.
/// </summary>
internal sealed partial class KafkaDeadLetterTopics(IAdminClient admin, ILogger logger) : IDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<string, Lazy<Task>> _ensured = new(StringComparer.Ordinal);
    private int _unsupportedLogged;

    /// <summary>Completes once <paramref name="deadLetterTopic"/> exists or could not be created (then produce decides).</summary>
    public Task EnsureAsync(string originTopic, string deadLetterTopic) =>
        _ensured.GetOrAdd(deadLetterTopic, _ => new Lazy<Task>(() => Task.Run(() => CreateAsync(originTopic, deadLetterTopic)))).Value;

    private async Task CreateAsync(string originTopic, string deadLetterTopic)
    {
        try
        {
            var metadata = admin.GetMetadata(originTopic, RequestTimeout);
            var partitions = metadata.Topics.FirstOrDefault(t => t.Topic == originTopic)?.Partitions.Count ?? 0;
            var replicationFactor = (short)Math.Clamp(metadata.Brokers.Count, 1, 3);
            var specification = new TopicSpecification
            {
                Name = deadLetterTopic,
                NumPartitions = Math.Max(1, partitions),
                ReplicationFactor = replicationFactor,
                Configs = new Dictionary<string, string>
                {
                    ["min.insync.replicas"] = Math.Min(2, (int)replicationFactor).ToString(CultureInfo.InvariantCulture),
                },
            };
            await admin.CreateTopicsAsync(
                [specification],
                new CreateTopicsOptions { RequestTimeout = RequestTimeout, OperationTimeout = RequestTimeout }).ConfigureAwait(false);
            Created(logger, deadLetterTopic, specification.NumPartitions, replicationFactor);
        }
        catch (CreateTopicsException e) when (e.Results.All(r => r.Error.Code is ErrorCode.NoError or ErrorCode.TopicAlreadyExists))
        {
            // Already there: what was wanted.
        }
        catch (CreateTopicsException e) when (e.Results.Any(r => IsUnsupported(r.Error.Code)))
        {
            Unsupported(e.Results.First(r => IsUnsupported(r.Error.Code)).Error.Reason);
        }
        catch (KafkaException e) when (IsUnsupported(e.Error.Code))
        {
            Unsupported(e.Error.Reason);
        }
        catch (KafkaException e)
        {
            // Tried again with the next dead letter; this one is produced anyway (the topic may exist or be auto-created).
            _ensured.TryRemove(deadLetterTopic, out _);
            NotCreated(logger, deadLetterTopic, e.Error.Code, e.Error.Reason);
        }
    }

    private void Unsupported(string reason)
    {
        if (Interlocked.Exchange(ref _unsupportedLogged, 1) == 0)
        {
            AdministrationUnsupported(logger, reason);
        }
    }

    private static bool IsUnsupported(ErrorCode code) =>
        code is ErrorCode.Local_UnsupportedFeature or ErrorCode.UnsupportedVersion;

    public void Dispose() => admin.Dispose();

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Created dead-letter topic {Topic} with {Partitions} partitions and replication factor {ReplicationFactor}")]
    private static partial void Created(ILogger logger, string topic, int partitions, short replicationFactor);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "The Kafka cluster does not support topic administration ({Reason}); dead-letter topics are left to the broker's auto-creation")]
    private static partial void AdministrationUnsupported(ILogger logger, string reason);

    [LoggerMessage(EventId = 12, Level = LogLevel.Warning, Message = "Could not create dead-letter topic {Topic}: {Code} {Reason}; the dead letter is sent anyway")]
    private static partial void NotCreated(ILogger logger, string topic, ErrorCode code, string reason);
}
