using CdcPipeline.Capture.Records;
using CdcPipeline.Capture.Schema.Types;

namespace CdcPipeline.Capture.Schema;

/// <summary>
/// Builds a <see cref="TableSchema"/> as Debezium does from a Relation message: the columns and their types from the
/// message (so a new column comes last), nullability, defaults and the primary key from the catalog, read at the
/// time (a column the catalog does not know is optional, without default, not part of the key).
/// </summary>
internal sealed class TableSchemaFactory(string topicPrefix, bool schemasEnable)
{
    public const string SupportedTypes =
        "uuid, text, varchar, char, boolean, smallint, integer, bigint, numeric(p,s), date, timestamp, timestamptz, bytea, json, jsonb";

    public TableSchema Create(TableId table, IReadOnlyList<SourceColumn> columns, IReadOnlyList<CatalogColumn> catalog)
    {
        var definitions = new ColumnDefinition[columns.Count];
        var keys = new List<(int Position, int Index)>();
        for (var i = 0; i < columns.Count; i++)
        {
            var column = columns[i];
            var known = catalog.FirstOrDefault(c => string.Equals(c.Name, column.Name, StringComparison.Ordinal));
            var type = ColumnTypes.Resolve(column.TypeOid, column.TypeModifier)
                ?? throw new UnsupportedColumnTypeException(
                    $"Column {table}.{column.Name} has type {known?.TypeName ?? $"with OID {column.TypeOid}"}, which the capture cannot " +
                    $"publish as Debezium does (supported: {SupportedTypes}). Change the column's type or remove the table from Capture:Tables.");
            definitions[i] = new ColumnDefinition(
                column.Name,
                type,
                Optional: known is null || !known.NotNull,
                DefaultValueParser.Parse(type, known?.DefaultExpression));
            if (known?.PrimaryKeyPosition is { } position)
            {
                keys.Add((position, i));
            }
        }

        return new TableSchema(
            table,
            TopicNames.DataChange(topicPrefix, table.Schema, table.Name),
            definitions,
            keys.OrderBy(k => k.Position).Select(k => k.Index).ToArray(),
            schemasEnable);
    }

    /// <summary>The snapshot's view: the catalog's columns are the source columns too.</summary>
    public TableSchema Create(TableId table, IReadOnlyList<CatalogColumn> catalog) =>
        Create(table, catalog.Select(c => new SourceColumn(c.Name, c.TypeOid, c.TypeModifier)).ToArray(), catalog);
}
