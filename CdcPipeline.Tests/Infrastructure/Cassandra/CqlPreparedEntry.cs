namespace CdcPipeline.Tests.Infrastructure.Cassandra;

/// <summary>A statement prepared on the test server, bound to the keyspace in use when it was prepared.</summary>
internal sealed record CqlPreparedEntry(byte[] Id, string Query, string? Keyspace, CqlParsedStatement Statement, bool HasResultColumns);
