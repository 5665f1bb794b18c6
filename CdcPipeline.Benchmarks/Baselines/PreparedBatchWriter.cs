using CdcPipeline.ServiceDefaults.Cassandra;

namespace CdcPipeline.Benchmarks.Baselines;

/// <summary>
/// The sink's baseline: the CQL client itself (<c>CdcPipeline.ServiceDefaults/Cassandra</c>) writing every change's
/// new row with the sink's INSERTs as prepared statements in unlogged batches, as many batches in flight as the sink
/// allows itself, with the write timestamps the sink would use (2^62 + LSN). No decoding, no Kafka, no planning.
/// </summary>
internal static class PreparedBatchWriter
{
    private const int ChangesPerBatch = 20;
    private const int BatchesInFlight = 16;
    private const long StreamedTimestampBase = 1L << 62;

    public static async Task CreateSchemaAsync(CqlSession session, string keyspace, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(AppContext.BaseDirectory, "sql", "cassandra");
        foreach (var file in Directory.GetFiles(directory, "*.cql").Order(StringComparer.Ordinal))
        {
            var text = string.Join('\n', File.ReadAllLines(file).Where(line => !line.TrimStart().StartsWith("--", StringComparison.Ordinal)));
            foreach (var statement in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                await session.ExecuteAsync(CqlStatement.Simple(statement.Replace("cdc_keyspace", keyspace, StringComparison.Ordinal)), cancellationToken: cancellationToken);
            }
        }
    }

    public static async Task WriteAsync(CqlSession session, string keyspace, IReadOnlyList<ChangeRow> rows, CancellationToken cancellationToken)
    {
        var users = await session.PrepareAsync(
            $"INSERT INTO {keyspace}.users (id, name, dob, created_at, modified_at, is_deleted) VALUES (?, ?, ?, ?, ?, ?) USING TIMESTAMP ?", cancellationToken);
        var orders = await session.PrepareAsync(
            $"INSERT INTO {keyspace}.orders (id, status, user_id, quantity, total_amount, placed_at, modified_at, is_deleted) VALUES (?, ?, ?, ?, ?, ?, ?, ?) USING TIMESTAMP ?", cancellationToken);
        var byUser = await session.PrepareAsync(
            $"INSERT INTO {keyspace}.orders_by_user (user_id, placed_at, order_id, status, quantity, total_amount, modified_at, is_deleted) VALUES (?, ?, ?, ?, ?, ?, ?, ?) USING TIMESTAMP ?", cancellationToken);
        var batches = rows.Chunk(ChangesPerBatch).Select(chunk =>
        {
            var batch = new CqlBatch(CqlBatchType.Unlogged);
            foreach (var row in chunk)
            {
                var v = row.Values;
                var timestamp = StreamedTimestampBase + (long)row.Lsn;
                if (row.Table == "users")
                {
                    batch.Add(users, v[0], v[1], Date(v[2]), v[3], v[4], v[5], timestamp);
                }
                else
                {
                    batch.Add(orders, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], timestamp);
                    if (v[5] is not null)
                    {
                        batch.Add(byUser, v[2], v[5], v[0], v[1], v[3], v[4], v[6], v[7], timestamp);
                    }
                }
            }

            return batch;
        }).ToList();
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = BatchesInFlight, CancellationToken = cancellationToken },
            async (batch, token) => await session.BatchAsync(batch, token));
    }

    private static object? Date(object? value) => value is DateTime date ? DateOnly.FromDateTime(date) : value;
}
