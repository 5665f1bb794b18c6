using Npgsql;

namespace CdcPipeline.Benchmarks.Baselines;

/// <summary>The Consumer's first baseline: the final rows, exported beforehand, loaded with binary COPY.</summary>
internal static class BinaryCopy
{
    public const string UserColumns = "id, name, dob, created_at, modified_at, is_deleted, trace_parent";
    public const string OrderColumns = "id, status, user_id, quantity, total_amount, placed_at, modified_at, is_deleted, trace_parent";

    public static async Task<IReadOnlyList<(string Table, byte[] Data)>> ExportAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        var tables = new List<(string, byte[])>();
        foreach (var (table, columns) in Tables)
        {
            using var buffer = new MemoryStream();
            await using (var copy = await connection.BeginRawBinaryCopyAsync($"COPY {table} ({columns}) TO STDOUT (FORMAT BINARY)", cancellationToken))
            {
                await copy.CopyToAsync(buffer, cancellationToken);
            }

            tables.Add((table, buffer.ToArray()));
        }

        return tables;
    }

    public static async Task ImportAsync(string connectionString, IReadOnlyList<(string Table, byte[] Data)> tables, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        foreach (var (table, data) in tables)
        {
            var columns = Tables.Single(t => t.Table == table).Columns;
            await using var copy = await connection.BeginRawBinaryCopyAsync($"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)", cancellationToken);
            await copy.WriteAsync(data, cancellationToken);
        }
    }

    private static IEnumerable<(string Table, string Columns)> Tables => [("users", UserColumns), ("orders", OrderColumns)];
}
