namespace CdcPipeline.ServiceDefaults.Cassandra;

/// <summary>A Schema_change result: <c>CREATED</c> / <c>UPDATED</c> / <c>DROPPED</c> of a KEYSPACE, TABLE, ... (Name empty for a keyspace).</summary>
public sealed record CqlSchemaChange(string ChangeType, string Target, string Keyspace, string Name);
