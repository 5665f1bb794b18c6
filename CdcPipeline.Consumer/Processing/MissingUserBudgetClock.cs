namespace CdcPipeline.Consumer.Processing;

/// <summary>
/// The <c>Consumer:MissingUserRetryBudget</c> of one parked cohort: it measures the chance the users had, not the
/// time since parking.
/// </summary>
/// <remarks>
/// Users and orders are separate topics, consumed at their own pace: after a restart, a rebalance or on a loaded
/// machine the orders' partitions can run minutes ahead of the users'. So the clock starts only once the users
/// topic has been consumed up to where it stood when the cohort was parked (<see cref="UsersTopicMark"/>), and
/// then counts only while PostgreSQL is reachable (<see cref="Persistence.DatabaseRetry.Unavailable"/>): during
/// an outage the users cannot arrive either. Once it is spent, the orders still wait until the users topic has been
/// consumed up to where it stood then (<see cref="FinalMark"/>). An order whose user never reaches Kafka is still
/// dead-lettered, one budget after the users topic caught up.
/// </remarks>
internal sealed class MissingUserBudgetClock(TimeProvider time)
{
    private long? _startedAt;
    private TimeSpan _unavailableAtStart;

    /// <summary>Where the users topic stood at parking; null until Kafka could tell.</summary>
    public UsersTopicMark? Mark { get; set; }

    /// <summary>
    /// Where the users topic stood once the budget was spent: a user that reached Kafka within the budget is consumed
    /// before its orders give up, however far behind its partition is by then. Null until then, or until Kafka could tell.
    /// </summary>
    public UsersTopicMark? FinalMark { get; set; }

    public bool Started => _startedAt is not null;

    /// <summary>The users topic has caught up with <see cref="Mark"/>: the budget counts from now (a second call changes nothing).</summary>
    public void Start(TimeSpan unavailableNow)
    {
        if (_startedAt is null)
        {
            _startedAt = time.GetTimestamp();
            _unavailableAtStart = unavailableNow;
        }
    }

    /// <summary>The budget spent: zero until started, then the time since, less the time PostgreSQL was unreachable meanwhile.</summary>
    public TimeSpan Spent(TimeSpan unavailableNow) =>
        _startedAt is { } startedAt ? time.GetElapsedTime(startedAt) - (unavailableNow - _unavailableAtStart) : TimeSpan.Zero;
}
