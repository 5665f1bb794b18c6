using CdcPipeline.CassandraSink.Schema;
using CdcPipeline.ServiceDefaults.Cassandra;

namespace CdcPipeline.Tests.Cql;

/// <summary>The sink's <c>sql/cassandra/*.cql</c>, applied statement by statement as the sink's schema initializer applies them.</summary>
internal static class SinkSchema
{
    public const string Keyspace = CqlScript.FileKeyspace;

    public static async Task ApplyAsync(CqlSession session)
    {
        foreach (var statement in CqlScript.Load(Path.Combine(AppContext.BaseDirectory, "sql", "cassandra"), Keyspace))
        {
            await session.ExecuteAsync(statement);
        }
    }
}
