using System.Collections.Concurrent;
using CdcPipeline.CassandraSink.Options;
using CdcPipeline.ServiceDefaults.Cassandra;
using Microsoft.Extensions.Options;

namespace CdcPipeline.CassandraSink.Writing;

/// <summary>
/// Sends planned writes to Cassandra: each <see cref="WriteBatch"/> as one unlogged BATCH (a single statement alone),
/// <see cref="Parallelism"/> of them in flight on the session's connection. Returns once Cassandra acknowledged every write at the configured consistency, except writes Cassandra
/// refuses for their own values (<see cref="CassandraFailures.IsRowRefusal"/>): a refused batch is split into its
/// statements, each sent alone, and the statements still refused come back with Cassandra's error while the others
/// are applied. Any other failure throws (the caller retries the whole write: every write is idempotent).
/// </summary>
internal sealed class CassandraWriter(CqlSession session, IOptions<SinkOptions> options)
{
    private const int Parallelism = 16;

    private readonly SinkOptions _options = options.Value;

    public async Task<IReadOnlyList<RefusedWrite>> WriteAsync(IReadOnlyList<WriteBatch> batches, CancellationToken cancellationToken)
    {
        var refused = new ConcurrentBag<RefusedWrite>();
        await Parallel.ForEachAsync(
            batches,
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (batch, token) =>
            {
                try
                {
                    await WriteAsync(batch.Writes, token).ConfigureAwait(false);
                }
                catch (CqlServerException error) when (CassandraFailures.IsRowRefusal(error))
                {
                    if (batch.Writes.Count == 1)
                    {
                        refused.Add(new RefusedWrite(batch.Writes[0], error));
                        return;
                    }

                    foreach (var write in batch.Writes)
                    {
                        try
                        {
                            await WriteAsync([write], token).ConfigureAwait(false);
                        }
                        catch (CqlServerException alone) when (CassandraFailures.IsRowRefusal(alone))
                        {
                            refused.Add(new RefusedWrite(write, alone));
                        }
                    }
                }
            }).ConfigureAwait(false);
        return [.. refused];
    }

    private async Task WriteAsync(IReadOnlyList<CqlWrite> writes, CancellationToken cancellationToken)
    {
        if (writes is [var single])
        {
            await session.ExecuteAsync(
                await StatementAsync(single, cancellationToken).ConfigureAwait(false),
                new CqlQueryOptions { Consistency = _options.WriteConsistency },
                cancellationToken).ConfigureAwait(false);
            return;
        }

        var cqlBatch = new CqlBatch(CqlBatchType.Unlogged) { Consistency = _options.WriteConsistency };
        foreach (var write in writes)
        {
            cqlBatch.Add(await StatementAsync(write, cancellationToken).ConfigureAwait(false));
        }

        await session.BatchAsync(cqlBatch, cancellationToken).ConfigureAwait(false);
    }

    private async Task<CqlStatement> StatementAsync(CqlWrite write, CancellationToken cancellationToken)
    {
        // The session keeps prepared statements by query text: this prepares each statement once.
        var prepared = await session.PrepareAsync(write.Statement.Cql, cancellationToken).ConfigureAwait(false);
        return CqlStatement.Prepared(prepared, write.Statement.Bind(write.Values, write.Timestamp));
    }
}

/// <summary>A write Cassandra refused for its own values, sent alone, with Cassandra's error.</summary>
internal sealed record RefusedWrite(CqlWrite Write, CqlServerException Error);
