namespace CdcPipeline.CassandraSink.Writing;

/// <summary>The six writes of the sink, in the configured keyspace.</summary>
internal sealed class SinkStatements(string keyspace)
{
    public SinkStatement UpsertUser { get; } = new(nameof(UpsertUser), "users",
        $"INSERT INTO {keyspace}.users (id, name, dob, created_at, modified_at, is_deleted) VALUES (?, ?, ?, ?, ?, ?) USING TIMESTAMP ?",
        TimestampFirst: false);

    public SinkStatement DeleteUser { get; } = new(nameof(DeleteUser), "users",
        $"DELETE FROM {keyspace}.users USING TIMESTAMP ? WHERE id = ?",
        TimestampFirst: true);

    public SinkStatement UpsertOrder { get; } = new(nameof(UpsertOrder), "orders",
        $"INSERT INTO {keyspace}.orders (id, status, user_id, quantity, total_amount, placed_at, modified_at, is_deleted) VALUES (?, ?, ?, ?, ?, ?, ?, ?) USING TIMESTAMP ?",
        TimestampFirst: false);

    public SinkStatement DeleteOrder { get; } = new(nameof(DeleteOrder), "orders",
        $"DELETE FROM {keyspace}.orders USING TIMESTAMP ? WHERE id = ?",
        TimestampFirst: true);

    public SinkStatement UpsertOrderByUser { get; } = new(nameof(UpsertOrderByUser), "orders_by_user",
        $"INSERT INTO {keyspace}.orders_by_user (user_id, placed_at, order_id, status, quantity, total_amount, modified_at, is_deleted) VALUES (?, ?, ?, ?, ?, ?, ?, ?) USING TIMESTAMP ?",
        TimestampFirst: false);

    public SinkStatement DeleteOrderByUser { get; } = new(nameof(DeleteOrderByUser), "orders_by_user",
        $"DELETE FROM {keyspace}.orders_by_user USING TIMESTAMP ? WHERE user_id = ? AND placed_at = ? AND order_id = ?",
        TimestampFirst: true);
}
