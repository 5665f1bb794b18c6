using CdcPipeline.CassandraSink.Writing;
using CdcPipeline.ServiceDefaults.Kafka;

namespace CdcPipeline.CassandraSink.Consuming;

/// <summary>
/// What the sink dead-letters, and why; the one place that decides. A change event that does not decode (not JSON,
/// not a Debezium envelope, a payload that does not match the table's schema) and a change with a write Cassandra
/// refused for its own values. Tombstones and changes of tables the sink does not know are counted and skipped;
/// a Cassandra that is unreachable, overloaded or timing out is retried, never dead-lettered.
/// </summary>
internal static class DeadLetterReasons
{
    public static KafkaDeadLetterReason Undecodable(string error) => new(KafkaDeadLetterKind.Invalid, error);

    /// <summary>
    /// Cassandra refused <paramref name="refused"/> of the change's <paramref name="writes"/> writes, naming each
    /// statement, its partition and Cassandra's error.
    /// </summary>
    public static KafkaDeadLetterReason Refused(string table, IReadOnlyList<RefusedWrite> refused, int writes)
    {
        var errors = string.Join("; ", refused.Select(refusal => $"{refusal.Write.Statement.Name} of {refusal.Write.Partition}: {refusal.Error.Message}"));
        var applied = writes - refused.Count;
        return new(KafkaDeadLetterKind.Rejected,
            $"Cassandra refused the write of a change of {table}: {errors}"
            + (applied > 0 ? $" ({applied} other writes of the change were applied)" : string.Empty));
    }
}
