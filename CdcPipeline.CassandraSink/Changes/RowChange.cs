using System.Diagnostics;

namespace CdcPipeline.CassandraSink.Changes;

/// <summary>One decoded Debezium change of a table the sink knows.</summary>
internal abstract record RowChange(ChangeOperation Operation, SourcePosition Position)
{
    /// <summary>The PostgreSQL table, <c>schema.table</c>.</summary>
    public abstract string Table { get; }

    /// <summary>
    /// The row's <c>trace_parent</c> column (<c>after</c>, <c>before</c> for a delete): the trace of the event that
    /// wrote it; null when absent, null or not a W3C traceparent. Never written to Cassandra.
    /// </summary>
    public ActivityContext? TraceParent { get; init; }

    /// <summary>When the Producer's event behind this change happened, if it was one (<see cref="Decoding.EventTime"/>).</summary>
    public DateTimeOffset? EventTime { get; init; }
}
