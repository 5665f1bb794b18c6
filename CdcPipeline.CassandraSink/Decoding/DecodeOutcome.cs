using CdcPipeline.CassandraSink.Changes;

namespace CdcPipeline.CassandraSink.Decoding;

/// <summary>What became of one Kafka message on a change topic.</summary>
internal abstract record DecodeOutcome
{
    /// <summary>A change of a known table, ready to apply.</summary>
    public sealed record Change(RowChange Row) : DecodeOutcome;

    /// <summary>The null value Debezium writes after a delete so that compaction can drop the key: nothing to apply.</summary>
    public sealed record Tombstone : DecodeOutcome;

    /// <summary>A change of a table the sink does not know: skipped and counted.</summary>
    public sealed record UnknownTable(string Table) : DecodeOutcome;

    /// <summary>A message the sink cannot read: dead-lettered with <see cref="Reason"/>.</summary>
    public sealed record Undecodable(string Reason) : DecodeOutcome;
}
