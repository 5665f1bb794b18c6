namespace CdcPipeline.ServiceDefaults.Cassandra;

/// <summary>Per-request options; anything left null takes the session's default.</summary>
public sealed record CqlQueryOptions
{
    public CqlConsistency? Consistency { get; init; }

    public CqlConsistency? SerialConsistency { get; init; }

    /// <summary>The write timestamp in microseconds since the epoch (the protocol's default timestamp).</summary>
    public long? Timestamp { get; init; }

    /// <summary>Rows per page; the session default when null.</summary>
    public int? PageSize { get; init; }

    /// <summary>Resume a query from the paging state of an earlier page.</summary>
    public byte[]? PagingState { get; init; }

    /// <summary>Overrides the session's request timeout for this request.</summary>
    public TimeSpan? Timeout { get; init; }
}
