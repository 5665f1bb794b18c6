using CdcPipeline.CassandraSink.Decoding;
using CdcPipeline.ServiceDefaults.Cassandra;

namespace CdcPipeline.CassandraSink.Options;

/// <summary>Settings of the sink, bound from the <c>CassandraSink</c> section and validated on start.</summary>
public sealed class SinkOptions
{
    public const string Section = "CassandraSink";

    /// <summary>The connector's <c>topic.prefix</c>: the sink reads <c>{prefix}.public.users</c> and <c>{prefix}.public.orders</c>.</summary>
    public string TopicPrefix { get; set; } = "cdc";

    /// <summary>The Kafka consumer group of the sink.</summary>
    public string ConsumerGroup { get; set; } = "cassandra-sink";

    /// <summary>The keyspace the schema files create and the sink writes.</summary>
    public string Keyspace { get; set; } = "cdc_keyspace";

    /// <summary>The directory of the <c>.cql</c> schema files, relative to the application's directory.</summary>
    public string SchemaDirectory { get; set; } = Path.Combine("sql", "cassandra");

    /// <summary>Consistency of the sink's writes.</summary>
    public CqlConsistency WriteConsistency { get; set; } = CqlConsistency.LocalQuorum;

    /// <summary>Most messages applied as one batch before offsets are stored.</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>How long a batch waits for more messages once it has one.</summary>
    public TimeSpan BatchTimeout { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>First wait before retrying a batch that Cassandra refused; doubles up to <see cref="RetryMaxBackoff"/>.</summary>
    public TimeSpan RetryInitialBackoff { get; set; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan RetryMaxBackoff { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Longest wait for every node to agree on the schema after the sink applied it; for as long again after that,
    /// <c>unconfigured table</c> (a node that has not seen a new table yet) is retried instead of stopping the sink.
    /// </summary>
    /// <summary>
    /// How far (in WAL bytes) the commit LSN of a partition may go back before the sink reports a source reset. Small
    /// steps back are normal: Debezium re-sends changes after its own restart.
    /// </summary>
    public long SourceResetLsnThreshold { get; set; } = 1L << 30;

    public TimeSpan SchemaAgreementTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How decimals arrive when the events carry no schema (JSON converter with <c>schemas.enable=false</c>):
    /// the connector's <c>decimal.handling.mode</c>. With schemas the schema decides.
    /// </summary>
    public DecimalHandlingMode DecimalHandlingMode { get; set; } = DecimalHandlingMode.Precise;

    /// <summary>
    /// Scales of decimal columns by <c>table.column</c>, used when a base64 decimal arrives without a schema
    /// (the schema's <c>scale</c> parameter is then missing). <c>orders.total_amount</c> is <c>decimal(10,2)</c>.
    /// </summary>
    public Dictionary<string, int> DecimalScales { get; set; } = new(StringComparer.Ordinal) { ["orders.total_amount"] = 2 };

    public IReadOnlyList<string> Topics => [$"{TopicPrefix}.public.users", $"{TopicPrefix}.public.orders"];
}
