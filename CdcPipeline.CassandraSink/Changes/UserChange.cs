namespace CdcPipeline.CassandraSink.Changes;

/// <summary>A change of <c>public.users</c>: <see cref="After"/> for c/r/u, only <see cref="Id"/> for d.</summary>
internal sealed record UserChange(ChangeOperation Operation, SourcePosition Position, Guid Id, UserRow? After)
    : RowChange(Operation, Position)
{
    public const string TableName = "public.users";

    public override string Table => TableName;
}
