using System.Text.Json;
using Npgsql;

namespace CdcPipeline.Tests.Consumer;

/// <summary>
/// The original Go consumer's statements (its db_sink.go), one event at a time, in the order given: the reference
/// the Consumer's rows are compared with.
/// </summary>
internal static class OriginalSql
{
    public static async Task ApplyAsync(string connectionString, IEnumerable<WireEvent> events)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        foreach (var wire in events)
        {
            using var document = JsonDocument.Parse(wire.Json);
            var e = document.RootElement;
            var type = e.GetProperty("event_type").GetString();
            var (sql, values) = (wire.IsUser, type) switch
            {
                (true, "CREATE") => ("INSERT INTO users (id, name, dob, created_at) VALUES ($1, $2, $3, $4)",
                    new object[] { Id(e, "user_id"), e.GetProperty("name").GetString()!, DateOnly.Parse(e.GetProperty("dob").GetString()!, System.Globalization.CultureInfo.InvariantCulture), Time(e, "created_at") }),
                (true, "UPDATE") => ("UPDATE users SET name=$1, modified_at=$2 WHERE id=$3",
                    [e.TryGetProperty("name", out var name) ? name.GetString()! : string.Empty, Time(e, "modified_at"), Id(e, "user_id")]),
                (true, "DELETE") => ("UPDATE users SET is_deleted=true, modified_at=$1 WHERE id=$2",
                    [Time(e, "modified_at"), Id(e, "user_id")]),
                (false, "CREATE") => ("INSERT into orders (id, status, user_id, quantity, total_amount, placed_at) VALUES ($1, $2, $3, $4, $5, $6)",
                    [Id(e, "order_id"), e.GetProperty("order_status").GetString()!, Id(e, "user_id"), e.GetProperty("quantity").GetInt32(), e.GetProperty("order_total").GetDecimal(), Time(e, "placed_at")]),
                (false, "UPDATE") => ("UPDATE orders SET status=$1, modified_at=$2 WHERE id=$3",
                    [e.GetProperty("order_status").GetString()!, Time(e, "modified_at"), Id(e, "order_id")]),
                (false, "DELETE") => ("UPDATE orders SET status=$1, modified_at=$2, is_deleted='T' WHERE id=$3",
                    [e.GetProperty("order_status").GetString()!, Time(e, "modified_at"), Id(e, "order_id")]),
                _ => throw new InvalidOperationException($"Unknown event: {wire.Json}"),
            };
            await using var command = new NpgsqlCommand(sql, connection);
            foreach (var value in values)
            {
                command.Parameters.Add(new NpgsqlParameter { Value = value });
            }

            await command.ExecuteNonQueryAsync();
        }
    }

    private static Guid Id(JsonElement e, string name) => Guid.Parse(e.GetProperty(name).GetString()!);

    private static DateTimeOffset Time(JsonElement e, string name) =>
        DateTimeOffset.Parse(e.GetProperty(name).GetString()!, System.Globalization.CultureInfo.InvariantCulture).ToUniversalTime();
}
