namespace CdcPipeline.ServiceDefaults.Kafka;

/// <summary>
/// Why a message was dead-lettered, as a kind a dashboard can count by (tag <c>cdc.dead_letter.kind</c> of
/// <c>cdc.kafka.messages.dead_lettered</c>); the words a person reads travel in the <c>dlq.reason</c> header.
/// </summary>
public enum KafkaDeadLetterKind
{
    /// <summary>The message cannot be read or fails validation (the Consumer's events, the sink's change events).</summary>
    Invalid,

    /// <summary>The store refused the message's values (PostgreSQL for the Consumer, Cassandra for the sink).</summary>
    Rejected,

    /// <summary>An update or delete of a row that does not exist (the Consumer).</summary>
    MissingRow,

    /// <summary>An order whose user did not arrive within its budget (the Consumer).</summary>
    MissingUser,
}
