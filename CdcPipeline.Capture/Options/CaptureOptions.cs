using CdcPipeline.Capture.Schema;

namespace CdcPipeline.Capture.Options;

/// <summary>
/// Settings of the capture, bound from section <c>Capture</c>; the defaults are those of
/// <c>CdcPipeline.AppHost/Debezium/cdc-connector.json</c>.
/// </summary>
public sealed class CaptureOptions
{
    public const string SectionName = "Capture";

    /// <summary><c>topic.prefix</c>: topics <c>{prefix}.{schema}.{table}</c>, <c>source.name</c>, the logical-name header.</summary>
    public string TopicPrefix { get; set; } = "cdc";

    /// <summary><c>slot.name</c>: the logical replication slot (created when missing).</summary>
    public string SlotName { get; set; } = "cdc_slot";

    /// <summary><c>publication.name</c>: must exist (<c>publication.autocreate.mode=disabled</c>).</summary>
    public string PublicationName { get; set; } = "cdc_pub";

    /// <summary><c>table.include.list</c> as exact names, comma separated, in snapshot order.</summary>
    public string Tables { get; set; } = "public.users,public.orders";

    /// <summary><c>key/value.converter.schemas.enable</c>: JsonConverter's <c>{"schema","payload"}</c> wrapper.</summary>
    public bool SchemasEnable { get; set; } = true;

    /// <summary><c>heartbeat.interval.ms</c>; zero turns heartbeats off.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The compacted topic where the capture records that its snapshot of a slot completed.</summary>
    public string OffsetsTopic { get; set; } = "cdc-capture-offsets";

    /// <summary><c>snapshot.mode</c>: <see cref="Options.SnapshotMode.Initial"/> or <see cref="Options.SnapshotMode.NoData"/>.</summary>
    public SnapshotMode SnapshotMode { get; set; } = SnapshotMode.Initial;

    /// <summary>Partitions, replication factor and min ISR of topics the capture creates.</summary>
    public TopicCreationOptions TopicCreation { get; set; } = new();

    /// <summary>
    /// Bytes of records handed to Kafka but not yet acknowledged (key, value and ~512 bytes of bookkeeping each),
    /// above which reading the WAL pauses. Memory in flight is about twice this (managed and librdkafka's copies).
    /// </summary>
    public long MaxInFlightBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>The longest backoff between attempts while PostgreSQL or Kafka is unavailable.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Replication lag (time behind the WAL, or time without a Kafka acknowledgement) above which the health check is unhealthy.</summary>
    public TimeSpan MaxHealthyLag { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Metadata, topic creation and offsets requests to Kafka.</summary>
    public TimeSpan AdminTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Where in-progress transactions that PostgreSQL streams are spooled; the system temp directory when unset.</summary>
    public string? SpoolDirectory { get; set; }

    /// <summary>The parsed <see cref="Tables"/> (valid once validated).</summary>
    internal IReadOnlyList<TableId> TableIds =>
        Tables.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(t => TableId.TryParse(t, out var id) ? id : default)
            .ToArray();
}
