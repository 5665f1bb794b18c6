namespace CdcPipeline.CassandraSink.Writing;

/// <summary>Cassandra's <c>timestamp</c> holds milliseconds since the epoch in UTC: PostgreSQL's microseconds are truncated.</summary>
internal static class CassandraTime
{
    public static DateTimeOffset Of(DateTimeOffset value) =>
        DateTimeOffset.FromUnixTimeMilliseconds(value.ToUnixTimeMilliseconds());

    public static DateTimeOffset? Of(DateTimeOffset? value) => value is { } v ? Of(v) : null;
}
