namespace CdcPipeline.Tests.Reliability;

/// <summary>What a fault of the schedule breaks, and how.</summary>
internal enum FaultKind
{
    /// <summary>SIGKILL of the Producer, restarted after a pause with the next seed of the run.</summary>
    ProducerKilled,

    /// <summary>SIGKILL of the Consumer, restarted after a pause.</summary>
    ConsumerKilled,

    /// <summary>SIGKILL of the Capture, restarted after a pause.</summary>
    CaptureKilled,

    /// <summary>SIGKILL of the CassandraSink, restarted after a pause.</summary>
    SinkKilled,

    /// <summary>One broker of the mock cluster down (connections closed, new ones refused), then up.</summary>
    BrokerDown,

    /// <summary>The leader of one partition moved to another broker.</summary>
    PartitionLeaderMoved,

    /// <summary>The next requests of one type fail with a retriable Kafka error.</summary>
    KafkaRequestErrors,

    /// <summary>PostgreSQL stopped (fast shutdown: every connection terminated), then started again after a pause.</summary>
    PostgresRestarted,

    /// <summary>Every client and replication connection to PostgreSQL killed with <c>pg_terminate_backend</c>.</summary>
    PostgresConnectionsKilled,

    /// <summary>The CQL server closes every connection without answering what is pending.</summary>
    CqlConnectionsDropped,

    /// <summary>The next statements are applied and answered with a write or read timeout.</summary>
    CqlTimeouts,

    /// <summary>The next statements are refused as overloaded.</summary>
    CqlOverloaded,
}
