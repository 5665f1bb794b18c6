using CdcPipeline.Consumer.Options;
using CdcPipeline.Consumer.Telemetry;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CdcPipeline.Consumer.Processing;

/// <summary>
/// Asks Kafka how far the users topic (<c>Consumer:Topics:Users</c>) has been consumed, for the budgets of parked
/// orders (<see cref="MissingUserBudgetClock"/>): its high watermarks now (<see cref="ReadMark"/>) and whether the
/// group's committed offsets have reached them (<see cref="HasReached"/>), whichever member owns each partition.
/// Asked at the parked cohorts' retry attempts, never per event. When Kafka cannot tell, the answer is null (the
/// clocks do not start), the failure is logged once and described by <see cref="Unreadable"/> until a read succeeds.
/// The consumer is resolved at the first read: it is built after the partition workers' services.
/// </summary>
internal sealed class UsersTopicProgress(
    Func<IConsumer<byte[]?, byte[]?>> consumer, IOptions<ConsumerOptions> options, TimeProvider timeProvider,
    ILogger<UsersTopicProgress> logger) : IDisposable
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(5);

    private readonly string _topic = options.Value.Topics.Users;
    private readonly Lock _gate = new();
    private IAdminClient? _metadata;
    private UsersTopicUnreadable? _unreadable;
    private bool _disposed;

    /// <summary>The failure going on while Kafka cannot tell the users topic's progress; null while it can.</summary>
    public UsersTopicUnreadable? Unreadable
    {
        get
        {
            lock (_gate)
            {
                return _unreadable;
            }
        }
    }

    /// <summary>Where the users topic stands now; null when Kafka cannot tell.</summary>
    public UsersTopicMark? ReadMark() => Read(client =>
    {
        var topic = Metadata(client).GetMetadata(_topic, ReadTimeout).Topics
            .FirstOrDefault(topic => string.Equals(topic.Topic, _topic, StringComparison.Ordinal))
            ?? throw new KafkaException(ErrorCode.UnknownTopicOrPart);
        if (topic.Error.IsError)
        {
            throw new KafkaException(topic.Error);
        }

        return UsersTopicMark.Of(_topic, topic.Partitions.Select(partition =>
            (partition.PartitionId, client.QueryWatermarkOffsets(new TopicPartition(_topic, partition.PartitionId), ReadTimeout))));
    });

    /// <summary>Whether the group's committed offsets of the users topic have reached <paramref name="mark"/>; null when Kafka cannot tell.</summary>
    public bool? HasReached(UsersTopicMark mark)
    {
        var partitions = mark.Partitions;
        if (partitions.Count == 0)
        {
            return true;
        }

        var committed = Read(client => client.Committed(partitions, ReadTimeout));
        return committed is null ? null : mark.IsReachedBy(committed);
    }

    /// <summary>Releases the metadata client before the consumer it shares a handle with is closed.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _metadata?.Dispose();
            _metadata = null;
        }
    }

    private T? Read<T>(Func<IConsumer<byte[]?, byte[]?>, T> read)
        where T : class
    {
        try
        {
            var value = read(consumer());
            bool recovered;
            lock (_gate)
            {
                recovered = _unreadable is not null;
                _unreadable = null;
            }

            if (recovered)
            {
                logger.UsersTopicReadable(_topic);
            }

            return value;
        }
        catch (Exception exception) when (exception is KafkaException or ObjectDisposedException)
        {
            bool first;
            lock (_gate)
            {
                first = _unreadable is null;
                _unreadable = new UsersTopicUnreadable(_unreadable?.Since ?? timeProvider.GetUtcNow(), exception.Message);
            }

            if (first)
            {
                logger.UsersTopicUnreadable(_topic, exception.Message);
            }

            return null;
        }
    }

    /// <summary>An admin client on the consumer's own connections, created once, for the users topic's partitions.</summary>
    private IAdminClient Metadata(IConsumer<byte[]?, byte[]?> client)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _metadata ??= new DependentAdminClientBuilder(client.Handle).Build();
        }
    }
}
