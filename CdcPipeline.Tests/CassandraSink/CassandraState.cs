using CdcPipeline.AppHost.Local.Cassandra;

namespace CdcPipeline.Tests.CassandraSink;

internal sealed record ListingRow(Guid UserId, DateTimeOffset PlacedAt, Guid OrderId, string? Status, int? Quantity, decimal? TotalAmount, DateTimeOffset? ModifiedAt, bool? IsDeleted);

/// <summary>The rows of the sink's three tables, in a form tests compare: users and orders by id, listings per user in clustering order.</summary>
internal sealed record CassandraState(IReadOnlyList<UserState> Users, IReadOnlyList<OrderState> Orders, IReadOnlyList<ListingRow> OrdersByUser)
{
    public bool Equals(CassandraState? other) =>
        other is not null && Users.SequenceEqual(other.Users) && Orders.SequenceEqual(other.Orders) && OrdersByUser.SequenceEqual(other.OrdersByUser);

    public override int GetHashCode() => Users.Count ^ Orders.Count ^ OrdersByUser.Count;

    /// <summary>What the tables must hold for PostgreSQL's final rows (timestamps at Cassandra's millisecond precision).</summary>
    public static CassandraState Expected(IEnumerable<UserState> users, IEnumerable<OrderState> orders)
    {
        var orderList = orders.Select(o => o with { PlacedAt = Ms(o.PlacedAt), ModifiedAt = Ms(o.ModifiedAt) }).ToList();
        return new CassandraState(
            users.Select(u => u with { CreatedAt = Ms(u.CreatedAt), ModifiedAt = Ms(u.ModifiedAt) }).OrderBy(u => u.Id).ToList(),
            orderList.OrderBy(o => o.Id).ToList(),
            orderList.Where(o => o.PlacedAt is not null)
                .Select(o => new ListingRow(o.UserId, o.PlacedAt!.Value, o.Id, o.Status, o.Quantity, o.TotalAmount, o.ModifiedAt, o.IsDeleted))
                .OrderBy(l => l.UserId).ThenByDescending(l => l.PlacedAt)
                .ToList());
    }

    public static CassandraState Read(InMemoryCqlServer server, string keyspace)
    {
        var users = server.Rows(keyspace, "users").Select(r => new UserState(
            (Guid)r["id"]!, (string)r["name"]!, (DateOnly)r["dob"]!, (DateTimeOffset?)r["created_at"], (DateTimeOffset?)r["modified_at"], (bool)r["is_deleted"]!));
        var orders = server.Rows(keyspace, "orders").Select(r => new OrderState(
            (Guid)r["id"]!, (string)r["status"]!, (Guid)r["user_id"]!, (int)r["quantity"]!, (decimal)r["total_amount"]!,
            (DateTimeOffset?)r["placed_at"], (DateTimeOffset?)r["modified_at"], (bool)r["is_deleted"]!));
        // Rows come in clustering order within a partition; sorting partitions by user keeps that order (stable sort).
        var listings = server.Rows(keyspace, "orders_by_user").Select(r => new ListingRow(
            (Guid)r["user_id"]!, (DateTimeOffset)r["placed_at"]!, (Guid)r["order_id"]!, (string?)r["status"], (int?)r["quantity"],
            (decimal?)r["total_amount"], (DateTimeOffset?)r["modified_at"], (bool?)r["is_deleted"]));
        return new CassandraState(users.OrderBy(u => u.Id).ToList(), orders.OrderBy(o => o.Id).ToList(), listings.OrderBy(l => l.UserId).ToList());
    }

    private static DateTimeOffset? Ms(DateTimeOffset? value) =>
        value is { } v ? DateTimeOffset.FromUnixTimeMilliseconds(v.ToUnixTimeMilliseconds()) : null;
}
