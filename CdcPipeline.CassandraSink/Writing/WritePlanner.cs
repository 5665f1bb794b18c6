using CdcPipeline.CassandraSink.Changes;
using CdcPipeline.ServiceDefaults.Cassandra;

namespace CdcPipeline.CassandraSink.Writing;

/// <summary>
/// Turns a change into the Cassandra writes that make the query tables reflect it, each stamped with the change's
/// write timestamp. Every write is a pure function of the change, so applying changes in any order, any number of
/// times, ends in the state of the newest change per row.
/// </summary>
internal sealed class WritePlanner(SinkStatements statements)
{
    public IReadOnlyList<CqlWrite> Plan(RowChange change)
    {
        var timestamp = WriteTimestamp.Of(change.Position);
        return change switch
        {
            UserChange user => PlanUser(user, timestamp),
            OrderChange order => PlanOrder(order, timestamp),
            _ => throw new ArgumentException($"no plan for a change of {change.Table}", nameof(change)),
        };
    }

    private List<CqlWrite> PlanUser(UserChange change, long timestamp)
    {
        if (change.After is not { } row)
        {
            return [new(statements.DeleteUser, [change.Id], timestamp, UsersPartition(change.Id))];
        }

        return
        [
            new(statements.UpsertUser,
                [row.Id, row.Name, row.Dob, Nullable(change, CassandraTime.Of(row.CreatedAt)), Nullable(change, CassandraTime.Of(row.ModifiedAt)), row.IsDeleted],
                timestamp, UsersPartition(row.Id)),
        ];
    }

    private List<CqlWrite> PlanOrder(OrderChange change, long timestamp)
    {
        var writes = new List<CqlWrite>(3);
        var previous = Normalize(change.PreviousListing);
        if (change.After is not { } row)
        {
            writes.Add(new(statements.DeleteOrder, [change.Id], timestamp, OrdersPartition(change.Id)));
            if (previous is not null)
            {
                writes.Add(DeleteListing(previous, timestamp));
            }

            return writes;
        }

        writes.Add(new(statements.UpsertOrder,
            [row.Id, row.Status, row.UserId, row.Quantity, row.TotalAmount, Nullable(change, CassandraTime.Of(row.PlacedAt)), Nullable(change, CassandraTime.Of(row.ModifiedAt)), row.IsDeleted],
            timestamp, OrdersPartition(row.Id)));

        var current = Normalize(row.Listing);

        // A delete and an insert of the same Cassandra row at one timestamp would leave it deleted (tombstones win ties).
        if (previous is not null && previous != current)
        {
            writes.Add(DeleteListing(previous, timestamp));
        }

        if (current is not null)
        {
            writes.Add(new(statements.UpsertOrderByUser,
                [current.UserId, current.PlacedAt, current.OrderId, row.Status, row.Quantity, row.TotalAmount, Nullable(change, CassandraTime.Of(row.ModifiedAt)), row.IsDeleted],
                timestamp, ListingPartition(current.UserId)));
        }

        return writes;
    }

    /// <summary>
    /// A null column of a new row (c, r) is left unset: binding null would write a cell tombstone for nothing. An
    /// update (u) binds null, because the column may have been set to null and the old value must go.
    /// </summary>
    private static object? Nullable(RowChange change, object? value) =>
        value is null && change.Operation is ChangeOperation.Create or ChangeOperation.Read ? CqlUnset.Value : value;

    private CqlWrite DeleteListing(OrderListing listing, long timestamp) =>
        new(statements.DeleteOrderByUser, [listing.UserId, listing.PlacedAt, listing.OrderId], timestamp, ListingPartition(listing.UserId));

    /// <summary>Listings as Cassandra stores them (millisecond timestamps), so that equal keys compare equal.</summary>
    private static OrderListing? Normalize(OrderListing? listing) =>
        listing is null ? null : listing with { PlacedAt = CassandraTime.Of(listing.PlacedAt) };

    private static string UsersPartition(Guid id) => $"users/{id}";

    private static string OrdersPartition(Guid id) => $"orders/{id}";

    private static string ListingPartition(Guid userId) => $"orders_by_user/{userId}";
}
