using CdcPipeline.ServiceDefaults.Cassandra;
using CdcPipeline.ServiceDefaults.Cassandra.Protocol;

namespace CdcPipeline.AppHost.Local.Cassandra;

/// <summary>What a request brings besides its statement: the connection's keyspace and the query parameters.</summary>
internal sealed record CqlRequestContext(
    string? Keyspace,
    IReadOnlyList<CqlValue> Values,
    long? DefaultTimestamp = null,
    int PageSize = 0,
    byte[]? PagingState = null,
    bool SkipMetadata = false,
    CqlConsistency Consistency = CqlConsistency.One);
