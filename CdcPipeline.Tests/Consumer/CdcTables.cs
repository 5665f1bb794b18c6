using System.Globalization;
using Npgsql;

namespace CdcPipeline.Tests.Consumer;

/// <summary>Reads the <c>users</c> and <c>orders</c> tables of a test database, as a person would check them.</summary>
internal sealed class CdcTables(string connectionString)
{
    public string ConnectionString { get; } = connectionString;

    /// <summary>Unpooled: a test may restart the server, and a pooled connection would then be dead.</summary>
    private string QueryConnectionString { get; } = new Npgsql.NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString;

    /// <summary>Every user row, ordered by id, one string per row with every column.</summary>
    public Task<IReadOnlyList<string>> UsersAsync() => RowsAsync(
        "SELECT id, name, dob, created_at, modified_at, is_deleted FROM users ORDER BY id");

    /// <summary>Every order row, ordered by id, one string per row with every column.</summary>
    public Task<IReadOnlyList<string>> OrdersAsync() => RowsAsync(
        "SELECT id, status, user_id, quantity, total_amount, placed_at, modified_at, is_deleted FROM orders ORDER BY id");

    public async Task<T> ScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(QueryConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default! : (T)value;
    }

    public async Task<IReadOnlyList<string>> RowsAsync(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(QueryConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var values = new string[reader.FieldCount];
            for (var i = 0; i < reader.FieldCount; i++)
            {
                values[i] = reader.IsDBNull(i) ? "null" : reader.GetFieldValue<object>(i) switch
                {
                    DateTime time => time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
                    DateOnly date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
                    var other => other.ToString() ?? "null",
                };
            }

            rows.Add(string.Join(" | ", values));
        }

        return rows;
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails with <paramref name="what"/> and the tables' state.</summary>
    public async Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(90));
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        Assert.Fail($"Timed out waiting for {what}.\nusers:\n{string.Join('\n', await UsersAsync())}\norders:\n{string.Join('\n', await OrdersAsync())}");
    }

    public Task WaitForCountsAsync(long users, long orders, TimeSpan? timeout = null) =>
        WaitUntilAsync(
            async () => await ScalarAsync<long>("SELECT count(*) FROM users") == users
                && await ScalarAsync<long>("SELECT count(*) FROM orders") == orders,
            $"{users} users and {orders} orders",
            timeout);
}
