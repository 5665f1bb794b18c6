namespace CdcPipeline.CassandraSink.Changes;

/// <summary>
/// A change of <c>public.orders</c>: <see cref="After"/> for c/r/u; <see cref="PreviousListing"/> is where the
/// order was listed in <c>orders_by_user</c> before an update or delete (from <c>before</c>, REPLICA IDENTITY FULL).
/// </summary>
internal sealed record OrderChange(
    ChangeOperation Operation,
    SourcePosition Position,
    Guid Id,
    OrderListing? PreviousListing,
    OrderRow? After)
    : RowChange(Operation, Position)
{
    public const string TableName = "public.orders";

    public override string Table => TableName;
}
