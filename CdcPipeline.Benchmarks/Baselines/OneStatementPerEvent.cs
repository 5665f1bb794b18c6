using System.Globalization;
using Npgsql;

namespace CdcPipeline.Benchmarks.Baselines;

/// <summary>
/// The original Go consumer's method, the Consumer's second baseline: one statement per event (its INSERT or
/// UPDATE), each its own autocommitted transaction, on one connection, in event-time order.
/// </summary>
internal static class OneStatementPerEvent
{
    public static async Task ApplyAsync(string connectionString, IReadOnlyList<WireEvent> events, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        foreach (var e in events)
        {
            await using var command = Command(e, connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static NpgsqlCommand Command(WireEvent e, NpgsqlConnection connection)
    {
        var (sql, values) = (e.IsUser, e.Type) switch
        {
            (true, "CREATE") => ("INSERT INTO users (id, name, dob, created_at) VALUES ($1, $2, $3, $4)",
                new object[] { e.Id, e.Text("name"), DateOnly.Parse(e.Text("dob"), CultureInfo.InvariantCulture), e.Time }),
            (true, "UPDATE") => ("UPDATE users SET name = $1, modified_at = $2 WHERE id = $3", [e.Text("name"), e.Time, e.Id]),
            (true, "DELETE") => ("UPDATE users SET is_deleted = true, modified_at = $1 WHERE id = $2", [e.Time, e.Id]),
            (false, "CREATE") => ("INSERT INTO orders (id, status, user_id, quantity, total_amount, placed_at) VALUES ($1, $2, $3, $4, $5, $6)",
                [e.Id, e.Text("order_status"), Guid.Parse(e.Text("user_id")), e.Body.GetProperty("quantity").GetInt32(), e.Body.GetProperty("order_total").GetDecimal(), e.Time]),
            (false, "UPDATE") => ("UPDATE orders SET status = $1, modified_at = $2 WHERE id = $3", [e.Text("order_status"), e.Time, e.Id]),
            (false, "DELETE") => ("UPDATE orders SET status = $1, modified_at = $2, is_deleted = true WHERE id = $3", [e.Text("order_status"), e.Time, e.Id]),
            _ => throw new InvalidDataException($"Unknown event type {e.Type}"),
        };
        var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return command;
    }
}
