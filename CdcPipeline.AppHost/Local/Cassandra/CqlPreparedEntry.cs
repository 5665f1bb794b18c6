namespace CdcPipeline.AppHost.Local.Cassandra;

/// <summary>A statement prepared on the in-memory CQL server, bound to the keyspace in use when it was prepared.</summary>
internal sealed record CqlPreparedEntry(byte[] Id, string Query, string? Keyspace, CqlParsedStatement Statement, bool HasResultColumns);
