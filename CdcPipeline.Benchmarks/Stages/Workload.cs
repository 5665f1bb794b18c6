using System.Globalization;
using CdcPipeline.Benchmarks.Kafka;
using CdcPipeline.Benchmarks.Services;

namespace CdcPipeline.Benchmarks.Stages;

/// <summary>
/// One size of the throughput stages: <see cref="Events"/> events of the Producer's mix (40 % user events, 60 % order
/// events), with the names of everything this size creates. Partitions are sized so every record stays in the mock
/// cluster (it keeps about 5 MiB per partition): about 330 bytes per event, about 2.6 KB per change record.
/// </summary>
internal sealed record Workload(int Events, string RunId)
{
    private const long PartitionBudgetBytes = 4L * 1024 * 1024;
    private const int EventBytes = 330;
    private const int ChangeRecordBytes = 2_600;

    /// <summary>More change-topic partitions than this and the sink's consumer would be measured on tiny batches.</summary>
    public const int MaxChangePartitions = 64;

    public int Users => Events * 2 / 5;

    public int Orders => Events - Users;

    public int Seed => 20261202 + Events;

    public string Name => Events.ToString(CultureInfo.InvariantCulture);

    public EventTopics Topics => new(
        $"{RunId}.{Name}.users", PartitionsFor(Users, EventBytes, 3),
        $"{RunId}.{Name}.orders", PartitionsFor(Orders, EventBytes, 5));

    public EventTopics BareTopics => Topics with { Users = $"{RunId}.{Name}.bare.users", Orders = $"{RunId}.{Name}.bare.orders" };

    public string Database => $"bench_{Name}";

    public string ReferenceDatabase => $"reference_{Name}";

    public string CopyDatabase => $"copy_{Name}";

    public string ConsumerGroup => $"{RunId}-consumer-{Name}";

    public string CapturePrefix => $"{RunId}_{Name}";

    public string CaptureSlot => $"cdc_{RunId}_{Name}";

    public string RawSlot => $"raw_{RunId}_{Name}";

    public string RowsSlot => $"rows_{RunId}_{Name}";

    /// <summary>Partitions of each change topic: room for 70 % of the changes in either (orders also get the cascade's).</summary>
    /// <remarks>Sized for half the budget: order records are larger than the average and keys hash unevenly, and at the
    /// full budget the mock dropped a few dozen of the oldest order changes in some runs.</remarks>
    public int ChangePartitions => Math.Min(MaxChangePartitions, PartitionsFor(2 * ChangesPerTopic, ChangeRecordBytes, 6));

    /// <summary>Whether every change record fits the mock's retention (else the sink stage would read a topic that lost records).</summary>
    public bool ChangesFit(bool mockKafka) => !mockKafka || ChangesPerTopic * ChangeRecordBytes <= ChangePartitions * PartitionBudgetBytes;

    private long ChangesPerTopic => Events * 7L / 10;

    public TopicSet ChangeTopics => TopicSet.Of(
        (ServiceEnvironments.CdcTopic(CapturePrefix, "users"), ChangePartitions),
        (ServiceEnvironments.CdcTopic(CapturePrefix, "orders"), ChangePartitions));

    public string SinkGroup => $"{RunId}-sink-{Name}";

    public string SinkKeyspace => $"sink_{RunId}_{Name}";

    public string BaselineKeyspace => $"client_{RunId}_{Name}";

    private static int PartitionsFor(long records, int bytesEach, int minimum) =>
        (int)Math.Max(minimum, (records * bytesEach + PartitionBudgetBytes - 1) / PartitionBudgetBytes);
}
