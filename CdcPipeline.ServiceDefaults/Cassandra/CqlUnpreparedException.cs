namespace CdcPipeline.ServiceDefaults.Cassandra;

/// <summary>0x2500: the server does not know the prepared statement id (the session re-prepares transparently).</summary>
internal sealed class CqlUnpreparedException(string serverMessage, byte[] unknownId) : CqlServerException(CqlErrorCode.Unprepared, serverMessage)
{
    public byte[] UnknownId { get; } = unknownId;
}
