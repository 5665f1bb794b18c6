namespace CdcPipeline.CassandraSink.Changes;

/// <summary>A row of PostgreSQL's <c>orders</c> table as Debezium published it.</summary>
internal sealed record OrderRow(
    Guid Id,
    string Status,
    Guid UserId,
    int Quantity,
    decimal TotalAmount,
    DateTimeOffset? PlacedAt,
    DateTimeOffset? ModifiedAt,
    bool IsDeleted)
{
    /// <summary>Where the order is listed in <c>orders_by_user</c>; none without <c>placed_at</c> (a clustering column cannot be null).</summary>
    public OrderListing? Listing => PlacedAt is { } placedAt ? new OrderListing(UserId, placedAt, Id) : null;
}
