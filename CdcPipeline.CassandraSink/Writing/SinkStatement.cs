namespace CdcPipeline.CassandraSink.Writing;

/// <summary>
/// A statement the sink runs, prepared once per session. Its write timestamp is a bind marker
/// (<c>USING TIMESTAMP ?</c>): first in a DELETE, last in an INSERT.
/// </summary>
internal sealed record SinkStatement(string Name, string Table, string Cql, bool TimestampFirst)
{
    /// <summary>The values to bind: the write's values with the timestamp where the statement's marker is.</summary>
    public object?[] Bind(IReadOnlyList<object?> values, long timestamp) =>
        TimestampFirst ? [timestamp, .. values] : [.. values, timestamp];
}
