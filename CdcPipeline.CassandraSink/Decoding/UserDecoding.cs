using CdcPipeline.CassandraSink.Changes;

namespace CdcPipeline.CassandraSink.Decoding;

/// <summary>The columns of <c>public.users</c>.</summary>
internal static class UserDecoding
{
    public static UserChange Decode(ChangeOperation operation, SourcePosition position, RowReader? before, RowReader? after)
    {
        if (operation == ChangeOperation.Delete)
        {
            var old = before ?? throw new ChangeDecodingException("before is missing in a delete of public.users");
            return new UserChange(operation, position, old.Uuid("id"), null) { TraceParent = old.TraceParent("trace_parent") };
        }

        var image = after ?? throw new ChangeDecodingException(
            $"after is missing in a change of public.users with op '{Op(operation)}'");
        var row = Row(image);
        return new UserChange(operation, position, row.Id, row)
        {
            TraceParent = image.TraceParent("trace_parent"),
            EventTime = EventTime.Of(operation, row.CreatedAt, row.ModifiedAt, before),
        };
    }

    private static UserRow Row(RowReader r) => new(
        r.Uuid("id"),
        r.Text("name"),
        r.Date("dob"),
        r.ZonedTimestamp("created_at"),
        r.ZonedTimestamp("modified_at"),
        r.Boolean("is_deleted"));

    internal static char Op(ChangeOperation operation) => operation switch
    {
        ChangeOperation.Create => 'c',
        ChangeOperation.Read => 'r',
        ChangeOperation.Update => 'u',
        _ => 'd',
    };
}
