using CdcPipeline.CassandraSink.Consuming;
using CdcPipeline.CassandraSink.Options;
using CdcPipeline.CassandraSink.Telemetry;
using CdcPipeline.ServiceDefaults.Cassandra;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CdcPipeline.CassandraSink.Schema;

/// <summary>
/// Applies <c>sql/cassandra/*.cql</c> statement by statement (every statement is idempotent, IF NOT EXISTS), then
/// waits, at most <see cref="SinkOptions.SchemaAgreementTimeout"/>, until every node reports the same schema version
/// (<c>system.local</c> and <c>system.peers</c>), so that no node answers <c>unconfigured table</c> to the first writes.
/// </summary>
internal sealed class SchemaInitializer(
    CqlSession session,
    SchemaAgreement agreement,
    SinkHealth health,
    IOptions<SinkOptions> options,
    ILogger<SchemaInitializer> logger,
    TimeProvider time)
{
    private static readonly TimeSpan AgreementPoll = TimeSpan.FromMilliseconds(200);

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
        await WaitForAgreementAsync(cancellationToken).ConfigureAwait(false);
        agreement.Applied();
    }

    private async Task WaitForAgreementAsync(CancellationToken cancellationToken)
    {
        var timeout = options.Value.SchemaAgreementTimeout;
        var deadline = time.GetUtcNow() + timeout;
        while (true)
        {
            var versions = await SchemaVersionsAsync(cancellationToken).ConfigureAwait(false);
            if (versions.Count <= 1)
            {
                return;
            }

            if (time.GetUtcNow() >= deadline)
            {
                logger.NoSchemaAgreement(versions.Count, timeout);
                return;
            }

            health.Unhealthy($"waiting for schema agreement: the nodes report {versions.Count} schema versions (system.local, system.peers)");
            await Task.Delay(AgreementPoll, time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The distinct schema versions of the connected node and its peers (peers without one are down: ignored).</summary>
    private async Task<HashSet<Guid>> SchemaVersionsAsync(CancellationToken cancellationToken)
    {
        var local = await session.ExecuteAsync(CqlStatement.Simple("SELECT schema_version FROM system.local"), options: null, cancellationToken)
            .ConfigureAwait(false);
        var peers = await session.ExecuteAsync(CqlStatement.Simple("SELECT schema_version FROM system.peers"), options: null, cancellationToken)
            .ConfigureAwait(false);
        var versions = new HashSet<Guid>();
        foreach (var result in new[] { local, peers })
        {
            foreach (var row in result.Rows?.CurrentPage ?? [])
            {
                if (!row.IsNull("schema_version"))
                {
                    versions.Add(row.Get<Guid>("schema_version"));
                }
            }
        }

        return versions;
    }
}
