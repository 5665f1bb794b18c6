namespace CdcPipeline.CassandraSink.Changes;

/// <summary>A row of PostgreSQL's <c>users</c> table as Debezium published it.</summary>
internal sealed record UserRow(
    Guid Id,
    string Name,
    DateOnly Dob,
    DateTimeOffset? CreatedAt,
    DateTimeOffset? ModifiedAt,
    bool IsDeleted);
