using CdcPipeline.CassandraSink.Cql;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CdcPipeline.CassandraSink.Schema;

/// <summary>Applies <c>sql/cassandra/*.cql</c> statement by statement; every statement is idempotent (IF NOT EXISTS).</summary>
internal sealed class SchemaInitializer(CqlSession session, IOptions<SinkOptions> options, ILogger<SchemaInitializer> logger)
{
    public async Task ApplyAsync(CancellationToken cancellationToken)
    {
        var directory = Path.Combine(AppContext.BaseDirectory, options.Value.SchemaDirectory);
        var statements = CqlScript.Load(directory, options.Value.Keyspace);
        foreach (var statement in statements)
        {
            await session.ExecuteAsync(CqlStatement.Simple(statement), options: null, cancellationToken)
                .ConfigureAwait(false);
        }

        logger.SchemaApplied(statements.Count, directory);
    }
}
