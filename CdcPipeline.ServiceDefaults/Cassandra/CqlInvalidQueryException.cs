namespace CdcPipeline.ServiceDefaults.Cassandra;

/// <summary>0x2200: the statement parses but is invalid (unknown table or keyspace, wrong value type, ...).</summary>
internal sealed class CqlInvalidQueryException(string serverMessage) : CqlServerException(CqlErrorCode.Invalid, serverMessage);
