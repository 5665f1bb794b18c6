namespace CdcPipeline.Consumer.Options;

/// <summary>Settings of the Consumer, bound from configuration section <c>Consumer</c>.</summary>
public sealed class ConsumerOptions
{
    public const string SectionName = "Consumer";

    /// <summary>The topics to consume, by the kind of event they carry.</summary>
    public ConsumerTopics Topics { get; set; } = new();

    /// <summary>The Kafka consumer group (<c>Consumer:GroupId</c>).</summary>
    public string GroupId { get; set; } = "cdc-consumer";

    /// <summary>Most events of one partition written in one transaction.</summary>
    public int BatchSize { get; set; } = 1000;

    /// <summary>
    /// Most transactions open at once across all partition workers (default: twice this machine's cores); a worker
    /// whose batch is ready waits for a free one. Beyond a few per core, more only add row-lock waits between the
    /// partitions' transactions.
    /// </summary>
    public int MaxConcurrentTransactions { get; set; } = 2 * Environment.ProcessorCount;

    /// <summary>How long a partition worker waits to fill a batch before it writes what it has.</summary>
    public TimeSpan BatchTimeout { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>When set, the consumer exits (code 0) after this long without a message once it has caught up.</summary>
    public TimeSpan? IdleTimeout { get; set; }

    /// <summary>
    /// How long an order waits, parked and retried with exponential backoff, for its user before it is dead-lettered;
    /// counted per parked key, while PostgreSQL is reachable.
    /// </summary>
    public TimeSpan MissingUserRetryBudget { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The first backoff delay of the missing-user retry; the next delays grow exponentially (with jitter).</summary>
    public TimeSpan MissingUserRetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest backoff delay of the missing-user retry.</summary>
    public TimeSpan MissingUserRetryMaxDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Events of one partition parked behind orders waiting for their users, at which the partition is paused (its
    /// worker takes no new batch) until the park has drained to half of it.
    /// </summary>
    public int MaxParkedPerPartition { get; set; } = 5000;

    /// <summary>The longest backoff delay between attempts while PostgreSQL is unavailable.</summary>
    public TimeSpan DatabaseRetryMaxDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a worker told to stop (shutdown, revoke, lost) may finish its batch in hand (e.g. waiting for
    /// PostgreSQL) before the batch is abandoned uncommitted and redelivered.
    /// </summary>
    public TimeSpan StopGracePeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Events queued for one partition worker above which the partition is paused until it catches up: the next batch
    /// is ready while one is written, and memory stays bounded however many partitions are assigned.
    /// </summary>
    public int MaxQueuedPerPartition { get; set; } = 1000;

    public IEnumerable<string> TopicNames => [Topics.Users, Topics.Orders];
}

/// <summary>Topic names (<c>Consumer:Topics:Users</c>, <c>Consumer:Topics:Orders</c>).</summary>
public sealed class ConsumerTopics
{
    public string Users { get; set; } = "users";

    public string Orders { get; set; } = "orders";
}
