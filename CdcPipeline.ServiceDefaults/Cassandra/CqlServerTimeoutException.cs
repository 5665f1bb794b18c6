namespace CdcPipeline.ServiceDefaults.Cassandra;

/// <summary>0x1100 / 0x1200: replicas did not answer in time (the write or read may or may not have been applied).</summary>
internal sealed class CqlServerTimeoutException(CqlErrorCode code, string serverMessage, CqlConsistency consistency, int received, int blockFor)
    : CqlServerException(code, serverMessage)
{
    public CqlConsistency Consistency { get; } = consistency;

    public int Received { get; } = received;

    public int BlockFor { get; } = blockFor;

    /// <summary>Write_timeout only: the kind of write (SIMPLE, BATCH, UNLOGGED_BATCH, COUNTER, BATCH_LOG, CAS, VIEW, CDC).</summary>
    public string? WriteType { get; init; }

    /// <summary>Read_timeout only: whether the replica asked for the data answered.</summary>
    public bool? DataPresent { get; init; }
}
