namespace CdcPipeline.ServiceDefaults.Cassandra;

/// <summary>No response arrived within the request timeout.</summary>
internal sealed class CqlRequestTimeoutException(string message) : CqlException(message);
