namespace CdcPipeline.ServiceDefaults.Cassandra;

/// <summary>0x2000: the statement does not parse.</summary>
internal sealed class CqlSyntaxException(string serverMessage) : CqlServerException(CqlErrorCode.SyntaxError, serverMessage);
