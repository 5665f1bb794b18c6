namespace CdcPipeline.ServiceDefaults.Cassandra;

/// <summary>0x1000: not enough replicas alive for the consistency level.</summary>
internal sealed class CqlUnavailableException(string serverMessage, CqlConsistency consistency, int required, int alive)
    : CqlServerException(CqlErrorCode.Unavailable, serverMessage)
{
    public CqlConsistency Consistency { get; } = consistency;

    public int Required { get; } = required;

    public int Alive { get; } = alive;
}
