namespace CdcPipeline.ServiceDefaults.Cassandra;

/// <summary>0x0100: the credentials were rejected.</summary>
internal sealed class CqlAuthenticationException(string serverMessage) : CqlServerException(CqlErrorCode.AuthenticationError, serverMessage);
