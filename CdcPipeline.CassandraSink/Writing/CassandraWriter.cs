using CdcPipeline.ServiceDefaults.Cassandra;
using Microsoft.Extensions.Options;

namespace CdcPipeline.CassandraSink.Writing;

/// <summary>
/// Sends planned writes to Cassandra: one unlogged BATCH per partition (a single statement alone), partitions in
/// parallel. Returns once Cassandra acknowledged every write at the configured consistency; throws otherwise.
/// </summary>
internal sealed class CassandraWriter(CqlSession session, IOptions<SinkOptions> options)
{
    private const int Parallelism = 16;

    private readonly SinkOptions _options = options.Value;

    public Task WriteAsync(IReadOnlyList<PartitionBatch> batches, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(
            batches,
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (batch, token) => await WriteAsync(batch, token).ConfigureAwait(false));

    private async Task WriteAsync(PartitionBatch batch, CancellationToken cancellationToken)
    {
        if (batch.Writes is [var single])
        {
            await session.ExecuteAsync(
                await StatementAsync(single, cancellationToken).ConfigureAwait(false),
                new CqlQueryOptions { Consistency = _options.WriteConsistency },
                cancellationToken).ConfigureAwait(false);
            return;
        }

        var cqlBatch = new CqlBatch(CqlBatchType.Unlogged) { Consistency = _options.WriteConsistency };
        foreach (var write in batch.Writes)
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
