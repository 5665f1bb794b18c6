using CdcPipeline.Capture.Json;

namespace CdcPipeline.Capture.Schema.Types;

/// <summary>
/// How Debezium 3.6.1 maps one PostgreSQL column type (with the connector's defaults: time.precision.mode=adaptive,
/// decimal.handling.mode=precise, binary.handling.mode=bytes) to a Kafka Connect schema and a JSON value. Values arrive
/// in PostgreSQL's binary format, from pgoutput (binary mode) and from the snapshot's binary COPY alike.
/// </summary>
internal abstract class ColumnType
{
    /// <summary>The Connect schema type: <c>string</c>, <c>int32</c>, <c>bytes</c>, …</summary>
    public abstract string ConnectType { get; }

    /// <summary>The Connect schema name of a logical type (<c>io.debezium.data.Uuid</c>), or null.</summary>
    public virtual string? LogicalName => null;

    /// <summary>The Connect schema version of the logical type, or null.</summary>
    public virtual int? LogicalVersion => null;

    /// <summary>Schema parameters in the order Debezium adds them, or null.</summary>
    public virtual IReadOnlyList<KeyValuePair<string, string>>? Parameters => null;

    /// <summary>
    /// The placeholder Debezium's default-value parser substitutes for a generated default (<c>now()</c>,
    /// <c>gen_random_uuid()</c>, …) of this type; null when Debezium does not parse defaults of this type.
    /// </summary>
    public abstract string? GeneratedDefaultPlaceholder { get; }

    /// <summary>Writes the JSON value of one binary column value; throws <see cref="FormatException"/> when it has none.</summary>
    public abstract void WriteValue(JsonBuffer json, ReadOnlySpan<byte> binary);

    /// <summary>
    /// Writes the JSON value of a default literal in PostgreSQL's text form (already taken out of its quotes); false
    /// when Debezium could not parse it, in which case the column has no default.
    /// </summary>
    public abstract bool TryWriteLiteral(JsonBuffer json, string literal);
}
