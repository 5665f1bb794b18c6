using CdcPipeline.CassandraSink.Changes;
using CdcPipeline.ServiceDefaults.Cassandra;
using CdcPipeline.CassandraSink.Writing;

namespace CdcPipeline.Tests.CassandraSink;

public class WritePlannerTests
{
    private static readonly SinkStatements Statements = new("cdc_keyspace");
    private static readonly WritePlanner Planner = new(Statements);
    private static readonly Guid UserA = Guid.NewGuid();
    private static readonly Guid UserB = Guid.NewGuid();
    private static readonly Guid OrderId = Guid.NewGuid();
    private static readonly DateTimeOffset PlacedAt = new(2024, 5, 1, 10, 16, 0, TimeSpan.Zero);
    private static readonly SourcePosition Position = new(5000, 4000, false);

    private static OrderRow Order(Guid userId, DateTimeOffset? placedAt) =>
        new(OrderId, "SHIPPED", userId, 2, 10.50m, placedAt, null, false);

    [Fact]
    public void Order_update_that_keeps_the_listing_does_not_delete_it()
    {
        var writes = Planner.Plan(new OrderChange(ChangeOperation.Update, Position, OrderId,
            new OrderListing(UserA, PlacedAt.AddTicks(3), OrderId), Order(UserA, PlacedAt.AddTicks(5))));

        Assert.Equal([Statements.UpsertOrder, Statements.UpsertOrderByUser], writes.Select(w => w.Statement));
        Assert.All(writes, w => Assert.Equal(WriteTimestamp.Of(Position), w.Timestamp));
    }

    [Fact]
    public void Order_moved_to_another_user_deletes_the_old_listing()
    {
        var writes = Planner.Plan(new OrderChange(ChangeOperation.Update, Position, OrderId,
            new OrderListing(UserA, PlacedAt, OrderId), Order(UserB, PlacedAt)));

        var delete = Assert.Single(writes, w => w.Statement == Statements.DeleteOrderByUser);
        Assert.Equal([UserA, PlacedAt, OrderId], delete.Values);
        Assert.Equal($"orders_by_user/{UserA}", delete.Partition);
        var upsert = Assert.Single(writes, w => w.Statement == Statements.UpsertOrderByUser);
        Assert.Equal($"orders_by_user/{UserB}", upsert.Partition);
    }

    [Fact]
    public void Order_delete_removes_the_order_and_its_listing()
    {
        var writes = Planner.Plan(new OrderChange(ChangeOperation.Delete, Position, OrderId, new OrderListing(UserA, PlacedAt, OrderId), null));

        Assert.Equal([Statements.DeleteOrder, Statements.DeleteOrderByUser], writes.Select(w => w.Statement));
    }

    [Fact]
    public void Order_without_placed_at_is_not_listed()
    {
        var writes = Planner.Plan(new OrderChange(ChangeOperation.Create, Position, OrderId, null, Order(UserA, null)));

        Assert.Equal([Statements.UpsertOrder], writes.Select(w => w.Statement));
    }

    [Fact]
    public void Writes_of_a_partition_stay_together_in_their_order()
    {
        var first = Planner.Plan(new OrderChange(ChangeOperation.Create, Position, OrderId, null, Order(UserA, PlacedAt)));
        var second = Planner.Plan(new OrderChange(ChangeOperation.Update, Position with { Lsn = 6000 }, OrderId,
            new OrderListing(UserA, PlacedAt, OrderId), Order(UserA, PlacedAt.AddDays(1))));

        var batch = Assert.Single(WriteBatch.Pack(first.Concat(second)));

        Assert.Equal(
            [$"orders/{OrderId}", $"orders/{OrderId}", $"orders_by_user/{UserA}", $"orders_by_user/{UserA}", $"orders_by_user/{UserA}"],
            batch.Writes.Select(w => w.Partition));
        Assert.Equal([5000 + (1L << 62), 6000 + (1L << 62), 6000 + (1L << 62)], batch.Writes.Skip(2).Select(w => w.Timestamp));
    }

    [Fact]
    public void Changes_of_many_partitions_share_bounded_batches()
    {
        var writes = Enumerable.Range(0, 70).SelectMany(i => Planner.Plan(
            new UserChange(ChangeOperation.Update, Position with { Lsn = 1000 + i }, Guid.NewGuid(),
                new UserRow(Guid.NewGuid(), $"name {i}", new DateOnly(1990, 1, 1), null, null, false))));

        Assert.Equal([30, 30, 10], WriteBatch.Pack(writes).Select(b => b.Writes.Count));
    }

    [Fact]
    public void A_partition_is_split_only_when_it_alone_exceeds_a_batch()
    {
        var many = Enumerable.Range(0, 40).SelectMany(i => Planner.Plan(
            new UserChange(ChangeOperation.Update, Position with { Lsn = 1000 + i }, UserA,
                new UserRow(UserA, $"name {i}", new DateOnly(1990, 1, 1), null, null, false))));
        var other = Planner.Plan(new UserChange(ChangeOperation.Update, Position with { Lsn = 2000 }, UserB,
            new UserRow(UserB, "other", new DateOnly(1990, 1, 1), null, null, false)));

        var batches = WriteBatch.Pack(other.Concat(many).Concat(other));

        Assert.Equal([2, 30, 10], batches.Select(b => b.Writes.Count));
        Assert.All(batches.Skip(1), b => Assert.All(b.Writes, w => Assert.Equal($"users/{UserA}", w.Partition)));
    }

    [Theory]
    [InlineData('c')]
    [InlineData('r')]
    public void Null_columns_of_a_new_row_are_left_unset_instead_of_written_as_tombstones(char op)
    {
        var operation = op == 'c' ? ChangeOperation.Create : ChangeOperation.Read;
        var user = Planner.Plan(new UserChange(operation, Position, UserA, new UserRow(UserA, "Ada", new DateOnly(1990, 1, 1), null, null, false)));
        var order = Planner.Plan(new OrderChange(operation, Position, OrderId, null, Order(UserA, PlacedAt)));

        var userValues = Assert.Single(user).Values;
        Assert.Same(CqlUnset.Value, userValues[3]);
        Assert.Same(CqlUnset.Value, userValues[4]);
        Assert.DoesNotContain(null, userValues);
        Assert.All(order, write => Assert.DoesNotContain(null, write.Values));
        Assert.Contains(CqlUnset.Value, order.Single(w => w.Statement == Statements.UpsertOrder).Values);
    }

    [Fact]
    public void Column_set_to_null_by_an_update_is_written_as_null()
    {
        var user = Planner.Plan(new UserChange(ChangeOperation.Update, Position, UserA, new UserRow(UserA, "Ada", new DateOnly(1990, 1, 1), null, null, false)));

        var values = Assert.Single(user).Values;
        Assert.Null(values[3]);
        Assert.Null(values[4]);
        Assert.DoesNotContain(CqlUnset.Value, values);
    }
}
