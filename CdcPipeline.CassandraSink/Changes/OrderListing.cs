namespace CdcPipeline.CassandraSink.Changes;

/// <summary>The primary key of an order's row in <c>orders_by_user</c>.</summary>
internal sealed record OrderListing(Guid UserId, DateTimeOffset PlacedAt, Guid OrderId);
