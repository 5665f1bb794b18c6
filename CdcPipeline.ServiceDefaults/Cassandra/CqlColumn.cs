namespace CdcPipeline.ServiceDefaults.Cassandra;

/// <summary>A column of a result or a bind variable of a prepared statement.</summary>
public sealed record CqlColumn(string Keyspace, string Table, string Name, CqlType Type);
