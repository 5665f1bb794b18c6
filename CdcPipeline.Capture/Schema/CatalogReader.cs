using Npgsql;

namespace CdcPipeline.Capture.Schema;

/// <summary>
/// Reads a table's columns from PostgreSQL's catalog: type, nullability, default expression and primary-key position,
/// in column order (<c>attnum</c>), without dropped and generated columns (pgoutput sends neither).
/// </summary>
internal sealed class CatalogReader(NpgsqlDataSource dataSource)
{
    private const string ColumnsSql = """
        SELECT a.attname,
               a.atttypid::int8,
               a.atttypmod,
               format_type(a.atttypid, a.atttypmod),
               a.attnotnull,
               pg_get_expr(d.adbin, d.adrelid),
               array_position(i.indkey::int2[], a.attnum)
          FROM pg_attribute a
          LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
          LEFT JOIN pg_index i ON i.indrelid = a.attrelid AND i.indisprimary
         WHERE a.attrelid = $1
           AND a.attnum > 0
           AND NOT a.attisdropped
           AND a.attgenerated = ''
         ORDER BY a.attnum
        """;

    private const string RelationSql = """
        SELECT c.oid::int8
          FROM pg_class c
          JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')
        """;

    /// <summary>The table's OID, or null when it does not exist.</summary>
    public Task<uint?> FindAsync(TableId table, CancellationToken cancellationToken) =>
        FindAsync(null, table, cancellationToken);

    public async Task<uint?> FindAsync(NpgsqlConnection? connection, TableId table, CancellationToken cancellationToken)
    {
        await using var command = connection is null ? dataSource.CreateCommand(RelationSql) : new NpgsqlCommand(RelationSql, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = table.Schema });
        command.Parameters.Add(new NpgsqlParameter { Value = table.Name });
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long oid ? (uint)oid : null;
    }

    /// <summary>The table's columns; on <paramref name="connection"/> when given (the snapshot's transaction).</summary>
    public async Task<IReadOnlyList<CatalogColumn>> ReadColumnsAsync(uint relationOid, NpgsqlConnection? connection, CancellationToken cancellationToken)
    {
        await using var command = connection is null ? dataSource.CreateCommand(ColumnsSql) : new NpgsqlCommand(ColumnsSql, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = relationOid, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Oid });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var columns = new List<CatalogColumn>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            columns.Add(new CatalogColumn(
                reader.GetString(0),
                (uint)reader.GetInt64(1),
                reader.GetInt32(2),
                reader.GetString(3),
                reader.GetBoolean(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetInt32(6)));
        }

        return columns;
    }
}
