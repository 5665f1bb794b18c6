using CdcPipeline.Tests.CassandraSink;
using CdcPipeline.Tests.Consumer;
using Npgsql;

namespace CdcPipeline.Tests.Pipeline;

/// <summary>PostgreSQL's users and orders rows as the records the Cassandra state is derived from.</summary>
internal static class PostgresRows
{
    public static async Task<IReadOnlyList<UserState>> UsersAsync(CdcTables tables)
    {
        await using var dataSource = NpgsqlDataSource.Create(tables.ConnectionString);
        await using var command = dataSource.CreateCommand("SELECT id, name, dob, created_at, modified_at, is_deleted FROM users");
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<UserState>();
        while (await reader.ReadAsync())
        {
            rows.Add(new UserState(
                reader.GetGuid(0), reader.GetString(1), reader.GetFieldValue<DateOnly>(2),
                Time(reader, 3), Time(reader, 4), reader.GetBoolean(5)));
        }

        return rows;
    }

    public static async Task<IReadOnlyList<OrderState>> OrdersAsync(CdcTables tables)
    {
        await using var dataSource = NpgsqlDataSource.Create(tables.ConnectionString);
        await using var command = dataSource.CreateCommand(
            "SELECT id, status, user_id, quantity, total_amount, placed_at, modified_at, is_deleted FROM orders");
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<OrderState>();
        while (await reader.ReadAsync())
        {
            rows.Add(new OrderState(
                reader.GetGuid(0), reader.GetString(1), reader.GetGuid(2), reader.GetInt32(3), reader.GetDecimal(4),
                Time(reader, 5), Time(reader, 6), reader.GetBoolean(7)));
        }

        return rows;
    }

    private static DateTimeOffset? Time(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<DateTimeOffset>(ordinal);
}
