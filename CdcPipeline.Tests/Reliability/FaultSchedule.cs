using CdcPipeline.AppHost.Kafka;
using CdcPipeline.AppHost.Local.Kafka;
using Confluent.Kafka;

namespace CdcPipeline.Tests.Reliability;

/// <summary>
/// A seeded schedule of faults over a bounded time: the same seed, duration and topics give the same faults at the
/// same times with the same parameters. Faults come at random intervals (about <see cref="MeanGap"/> apart),
/// every kind equally likely, so they interleave and overlap at random; every kind comes at least once.
/// </summary>
internal sealed class FaultSchedule
{
    public static readonly TimeSpan MeanGap = TimeSpan.FromSeconds(3);

    /// <summary>Retriable errors only: what brokers answer while leaders move, coordinators fail over or replicas lag.</summary>
    private static readonly (KafkaApiKey Api, ErrorCode Error)[] RequestErrors =
    [
        (KafkaApiKey.Produce, ErrorCode.NotLeaderForPartition),
        (KafkaApiKey.Produce, ErrorCode.RequestTimedOut),
        (KafkaApiKey.Produce, ErrorCode.NotEnoughReplicas),
        (KafkaApiKey.Fetch, ErrorCode.NotLeaderForPartition),
        (KafkaApiKey.Fetch, ErrorCode.LeaderNotAvailable),
        (KafkaApiKey.OffsetCommit, ErrorCode.NotCoordinatorForGroup),
        (KafkaApiKey.OffsetCommit, ErrorCode.GroupLoadInProgress),
        (KafkaApiKey.Heartbeat, ErrorCode.NotCoordinatorForGroup),
        (KafkaApiKey.Heartbeat, ErrorCode.RebalanceInProgress),
        (KafkaApiKey.ListOffsets, ErrorCode.NotLeaderForPartition),
    ];

    private FaultSchedule(int seed, TimeSpan duration, IReadOnlyList<PlannedFault> faults)
    {
        Seed = seed;
        Duration = duration;
        Faults = faults;
    }

    public int Seed { get; }

    public TimeSpan Duration { get; }

    public IReadOnlyList<PlannedFault> Faults { get; }

    public static FaultSchedule Generate(int seed, TimeSpan duration, int brokers, IReadOnlyList<KafkaTopic> topics)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokers, 1);
        var random = new Random(seed);
        var kinds = Enum.GetValues<FaultKind>();
        var faults = new List<PlannedFault>();
        // Exponential gaps (a Poisson process): clusters of faults and quiet spells, as production has them.
        for (var at = Gap(random); at < duration; at += Gap(random))
        {
            faults.Add(Plan(random, at, kinds[random.Next(kinds.Length)], brokers, topics));
        }

        // A short schedule still brings every kind once; drawn after the process, so a long one that already has
        // every kind is the same schedule it always was for its seed.
        foreach (var missing in kinds.Except(faults.Select(f => f.Kind)).ToList())
        {
            faults.Add(Plan(random, duration * random.NextDouble(), missing, brokers, topics));
        }

        faults.Sort((a, b) => a.At.CompareTo(b.At));
        return new FaultSchedule(seed, duration, faults);
    }

    private static PlannedFault Plan(Random random, TimeSpan at, FaultKind kind, int brokers, IReadOnlyList<KafkaTopic> topics)
    {
        var topic = topics[random.Next(topics.Count)];
        var (api, error) = RequestErrors[random.Next(RequestErrors.Length)];
        return new PlannedFault(at, kind)
        {
            Downtime = TimeSpan.FromMilliseconds(random.Next(200, 4000)),
            Broker = random.Next(1, brokers + 1),
            Topic = topic.Name,
            Partition = random.Next(topic.Partitions),
            Count = kind switch
            {
                FaultKind.KafkaRequestErrors => random.Next(1, 6),
                FaultKind.CqlTimeouts => random.Next(1, 11),
                _ => random.Next(1, 21),
            },
            Api = api,
            Error = error,
        };
    }

    private static TimeSpan Gap(Random random) =>
        TimeSpan.FromMilliseconds(Math.Max(50, -Math.Log(1 - random.NextDouble()) * MeanGap.TotalMilliseconds));
}
