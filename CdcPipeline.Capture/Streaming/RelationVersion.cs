using CdcPipeline.Capture.Schema;

namespace CdcPipeline.Capture.Streaming;

/// <summary>
/// A table's shape as one pgoutput Relation message described it. The Debezium schema is built on first use, with the
/// catalog read then: for a transaction PostgreSQL streams while it is in progress, that is at its commit, when a
/// column it added is in the catalog — as Debezium, which sees every transaction only after its commit, reads it.
/// </summary>
internal sealed class RelationVersion(int id, uint relationId, TableId table, bool captured, IReadOnlyList<SourceColumn> columns)
{
    private TableSchema? _schema;

    /// <summary>This version's index in the session's registry (spooled changes refer to it).</summary>
    public int Id { get; } = id;

    public uint RelationId { get; } = relationId;

    public TableId Table { get; } = table;

    public string QualifiedName { get; } = table.ToString();

    /// <summary>Whether the table is in <c>Capture:Tables</c>; changes of other tables are not published.</summary>
    public bool Captured { get; } = captured;

    public IReadOnlyList<SourceColumn> Columns { get; } = columns;

    public async ValueTask<TableSchema> SchemaAsync(CatalogReader catalog, TableSchemaFactory factory, CancellationToken cancellationToken) =>
        _schema ??= factory.Create(Table, Columns, await catalog.ReadColumnsAsync(RelationId, null, cancellationToken).ConfigureAwait(false));
}
