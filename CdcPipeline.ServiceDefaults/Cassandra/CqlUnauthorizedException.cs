namespace CdcPipeline.ServiceDefaults.Cassandra;

/// <summary>0x2100: the user lacks a permission.</summary>
internal sealed class CqlUnauthorizedException(string serverMessage) : CqlServerException(CqlErrorCode.Unauthorized, serverMessage);
