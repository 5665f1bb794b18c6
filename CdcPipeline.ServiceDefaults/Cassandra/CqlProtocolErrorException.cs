namespace CdcPipeline.ServiceDefaults.Cassandra;

/// <summary>0x000A: the server rejected a message as a protocol violation.</summary>
internal sealed class CqlProtocolErrorException(string serverMessage) : CqlServerException(CqlErrorCode.ProtocolError, serverMessage);
