using CdcPipeline.CassandraSink.Changes;

namespace CdcPipeline.CassandraSink.Decoding;

/// <summary>The columns of <c>public.orders</c>.</summary>
internal static class OrderDecoding
{
    public static OrderChange Decode(ChangeOperation operation, SourcePosition position, RowReader? before, RowReader? after)
    {
        // Updates and deletes need the old user_id and placed_at to find the order's row in orders_by_user:
        // Debezium sends them in 'before' because the table has REPLICA IDENTITY FULL.
        OrderListing? previous = null;
        Guid? previousId = null;
        if (operation is ChangeOperation.Update or ChangeOperation.Delete)
        {
            var old = before ?? throw new ChangeDecodingException(
                $"before is missing in op '{UserDecoding.Op(operation)}' of public.orders: set REPLICA IDENTITY FULL on orders so that orders_by_user can follow the order");
            previousId = old.Uuid("id");
            var userId = old.OptionalUuid("user_id") ?? throw new ChangeDecodingException(
                "before.user_id is missing in a change of public.orders: set REPLICA IDENTITY FULL on orders so that orders_by_user can follow the order");
            previous = old.ZonedTimestamp("placed_at") is { } placedAt ? new OrderListing(userId, placedAt, previousId.Value) : null;
        }

        if (operation == ChangeOperation.Delete)
        {
            return new OrderChange(operation, position, previousId!.Value, previous, null) { TraceParent = before!.TraceParent("trace_parent") };
        }

        var image = after ?? throw new ChangeDecodingException(
            $"after is missing in a change of public.orders with op '{UserDecoding.Op(operation)}'");
        var row = Row(image);
        return new OrderChange(operation, position, row.Id, previous, row)
        {
            TraceParent = image.TraceParent("trace_parent"),
            EventTime = EventTime.Of(operation, row.PlacedAt, row.ModifiedAt, before),
        };
    }

    private static OrderRow Row(RowReader r) => new(
        r.Uuid("id"),
        r.Text("status"),
        r.Uuid("user_id"),
        r.Int32("quantity"),
        r.Decimal("total_amount"),
        r.ZonedTimestamp("placed_at"),
        r.ZonedTimestamp("modified_at"),
        r.Boolean("is_deleted"));
}
