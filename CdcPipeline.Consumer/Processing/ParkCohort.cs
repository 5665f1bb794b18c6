namespace CdcPipeline.Consumer.Processing;

/// <summary>
/// The keys one batch parked: they share a retry schedule and a budget (<see cref="Clock"/>), which starts once
/// the users topic has caught up with where it stood when they were parked.
/// </summary>
internal sealed class ParkCohort(string topic, int partition, TimeProvider time)
{
    public string Topic { get; } = topic;

    public int Partition { get; } = partition;

    /// <summary>Its order keys still parked; written by the partition's worker only.</summary>
    public HashSet<Guid> Keys { get; } = [];

    /// <summary>Attempts of its retry so far; the first is the batch's own write, done when the cohort is parked.</summary>
    public int Attempts { get; set; }

    /// <summary>Its budget; used by its retry alone.</summary>
    public MissingUserBudgetClock Clock { get; } = new(time);
}
