namespace CdcPipeline.AppHost.Local.Cassandra;

/// <summary>How <see cref="InMemoryCqlServer.FailNextStatements"/> answers a statement, as a struggling Cassandra node does.</summary>
internal enum CqlStatementFault
{
    /// <summary>Refused before anything is applied: error Overloaded (0x1001).</summary>
    Overloaded,

    /// <summary>
    /// Applied, then answered with a timeout: WriteTimeout (0x1100) for a write, ReadTimeout (0x1200) for a read, as when
    /// the replicas did not acknowledge in time. Cassandra never says whether a timed-out write was applied, so a
    /// client must retry it idempotently; this fault applies it, the harder case.
    /// </summary>
    Timeout,
}
