using CdcPipeline.Capture.Json;
using CdcPipeline.Capture.Records;

namespace CdcPipeline.Capture.Schema;

/// <summary>
/// One version of a captured table's schema, as Debezium builds it (TableSchemaBuilder): its topic, its columns, the
/// primary-key columns of the record key, and the JSON that does not change from record to record — the key and
/// envelope schemas (when the converter writes schemas), the field names and the source's schema/table — encoded once.
/// A new version is made whenever pgoutput sends a Relation message for the table.
/// </summary>
internal sealed class TableSchema
{
    public TableSchema(TableId table, string topic, IReadOnlyList<ColumnDefinition> columns, IReadOnlyList<int> keyColumns, bool schemasEnable)
    {
        Table = table;
        Topic = topic;
        Columns = columns;
        KeyColumns = keyColumns;
        FieldNames = columns.Select(c => FieldName(c.Name)).ToArray();
        QualifiedName = table.ToString();
        SpanName = $"capture {QualifiedName}";
        TraceParentColumn = IndexOf(TraceParentColumnName);
        using var json = new JsonBuffer();
        json.WriteRaw(",\"schema\":"u8);
        json.WriteString(table.Schema);
        json.WriteRaw(",\"table\":"u8);
        json.WriteString(table.Name);
        SourceTable = json.ToArray();
        if (!schemasEnable)
        {
            KeyPrefix = [];
            ValuePrefix = [];
            return;
        }

        json.Clear();
        json.WriteRaw("{\"schema\":"u8);
        ConnectSchemaJson.WriteStruct(json, keyColumns.Select(i => columns[i]), optional: false, $"{topic}.Key", field: null);
        json.WriteRaw(",\"payload\":"u8);
        KeyPrefix = json.ToArray();

        json.Clear();
        json.WriteRaw("{\"schema\":{\"type\":\"struct\",\"fields\":["u8);
        ConnectSchemaJson.WriteStruct(json, columns, optional: true, $"{topic}.Value", "before");
        json.WriteByte((byte)',');
        ConnectSchemaJson.WriteStruct(json, columns, optional: true, $"{topic}.Value", "after");
        json.WriteByte((byte)',');
        json.WriteRaw(DebeziumConstants.SourceSchemaField);
        json.WriteByte((byte)',');
        json.WriteRaw(DebeziumConstants.TransactionSchemaField);
        json.WriteByte((byte)',');
        json.WriteRaw(DebeziumConstants.OperationAndTimestampFields);
        json.WriteRaw("],\"optional\":false,\"name\":"u8);
        json.WriteString($"{topic}.Envelope");
        json.WriteRaw(",\"version\":"u8);
        json.WriteInt64(DebeziumConstants.EnvelopeVersion);
        json.WriteRaw("},\"payload\":"u8);
        ValuePrefix = json.ToArray();
    }

    /// <summary>The column whose value, a W3C traceparent, is the parent of the change's span (when it parses).</summary>
    public const string TraceParentColumnName = "trace_parent";

    public TableId Table { get; }

    /// <summary><c>schema.table</c>, for metrics and messages.</summary>
    public string QualifiedName { get; }

    /// <summary><c>capture {schema}.{table}</c>: the name of a change's span.</summary>
    public string SpanName { get; }

    /// <summary>The index of the <c>trace_parent</c> column, or -1.</summary>
    public int TraceParentColumn { get; }

    public string Topic { get; }

    public IReadOnlyList<ColumnDefinition> Columns { get; }

    /// <summary>Indexes into <see cref="Columns"/> of the primary key, in key order; empty for a table without one.</summary>
    public IReadOnlyList<int> KeyColumns { get; }

    /// <summary><c>"name":</c> of each column, JSON-escaped.</summary>
    public IReadOnlyList<byte[]> FieldNames { get; }

    /// <summary><c>,"schema":"public","table":"users"</c> of the source block.</summary>
    public byte[] SourceTable { get; }

    /// <summary><c>{"schema":&lt;key schema&gt;,"payload":</c>, or nothing without schemas.</summary>
    public byte[] KeyPrefix { get; }

    /// <summary><c>{"schema":&lt;envelope schema&gt;,"payload":</c>, or nothing without schemas.</summary>
    public byte[] ValuePrefix { get; }

    public bool HasKey => KeyColumns.Count > 0;

    /// <summary>The column index of <paramref name="name"/>, or -1.</summary>
    public int IndexOf(string name)
    {
        for (var i = 0; i < Columns.Count; i++)
        {
            if (string.Equals(Columns[i].Name, name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private static byte[] FieldName(string name)
    {
        using var json = new JsonBuffer(256);
        json.WriteString(name);
        json.WriteByte((byte)':');
        return json.ToArray();
    }
}
