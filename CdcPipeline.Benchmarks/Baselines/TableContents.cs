using Npgsql;

namespace CdcPipeline.Benchmarks.Baselines;

/// <summary>The business columns of both tables as sorted text lines (trace_parent left out: the original writes none).</summary>
internal static class TableContents
{
    public static async Task<IReadOnlyList<string>> ReadAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        var lines = new List<string>();
        foreach (var sql in new[]
                 {
                     "SELECT concat_ws('|', id, name, dob, created_at, modified_at, is_deleted) FROM users ORDER BY id",
                     "SELECT concat_ws('|', id, status, user_id, quantity, total_amount, placed_at, modified_at, is_deleted) FROM orders ORDER BY id",
                 })
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                lines.Add(reader.GetString(0));
            }
        }

        return lines;
    }

    /// <summary>Rows and soft-deleted rows of users, then orders.</summary>
    public static async Task<IReadOnlyList<(string Table, long Rows, long Deleted)>> CountsAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        var counts = new List<(string, long, long)>();
        foreach (var table in new[] { "users", "orders" })
        {
            await using var command = new NpgsqlCommand($"SELECT count(*), count(*) FILTER (WHERE is_deleted) FROM {table}", connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            counts.Add((table, reader.GetInt64(0), reader.GetInt64(1)));
        }

        return counts;
    }

    public static string Difference(IReadOnlyList<string> actual, IReadOnlyList<string> expected)
    {
        var missing = expected.Except(actual).Take(2).ToList();
        var extra = actual.Except(expected).Take(2).ToList();
        return missing.Count == 0 && extra.Count == 0
            ? $"{actual.Count:N0} rows equal"
            : $"{actual.Count:N0} rows vs {expected.Count:N0}; expected e.g. [{string.Join("; ", missing)}], found [{string.Join("; ", extra)}]";
    }
}
