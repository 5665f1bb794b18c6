namespace CdcPipeline.CassandraSink.Changes;

/// <summary>One decoded Debezium change of a table the sink knows.</summary>
internal abstract record RowChange(ChangeOperation Operation, SourcePosition Position)
{
    /// <summary>The PostgreSQL table, <c>schema.table</c>.</summary>
    public abstract string Table { get; }
}
