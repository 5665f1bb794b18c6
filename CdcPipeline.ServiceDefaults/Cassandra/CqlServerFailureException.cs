namespace CdcPipeline.ServiceDefaults.Cassandra;

/// <summary>0x1300 / 0x1500: replicas answered with a failure (the write may or may not have been applied on others).</summary>
internal sealed class CqlServerFailureException(CqlErrorCode code, string serverMessage, CqlConsistency consistency, int received, int blockFor, int failures)
    : CqlServerException(code, serverMessage)
{
    public CqlConsistency Consistency { get; } = consistency;

    public int Received { get; } = received;

    public int BlockFor { get; } = blockFor;

    /// <summary>How many replicas failed.</summary>
    public int Failures { get; } = failures;

    /// <summary>Write_failure only: the kind of write, as in <see cref="CqlServerTimeoutException.WriteType"/>.</summary>
    public string? WriteType { get; init; }

    /// <summary>Read_failure only: whether the replica asked for the data answered.</summary>
    public bool? DataPresent { get; init; }
}
