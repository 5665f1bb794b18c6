using CdcPipeline.Capture.Json;
using CdcPipeline.Capture.Schema;

namespace CdcPipeline.Capture.Records;

/// <summary>
/// Writes the key and value of Debezium's change records as Kafka's JsonConverter serialises them, with or without
/// schemas: key <c>{"id":…}</c> (the primary key in key order), value the envelope
/// <c>{"before","after","source","transaction","op","ts_ms","ts_us","ts_ns"}</c>. One encoder per thread: it reuses
/// its buffer, and only the returned arrays leave it.
/// </summary>
internal sealed class RecordEncoder : IDisposable
{
    private readonly JsonBuffer _json = new(16 * 1024);
    private readonly byte[] _sourceHead;
    private readonly byte[] _database;
    private readonly TimeProvider _clock;

    public RecordEncoder(string topicPrefix, string database, TimeProvider clock)
    {
        _clock = clock;
        using var json = new JsonBuffer(512);
        json.WriteRaw("{\"version\":"u8);
        json.WriteString(DebeziumConstants.Version);
        json.WriteRaw(",\"connector\":"u8);
        json.WriteString(DebeziumConstants.ConnectorName);
        json.WriteRaw(",\"name\":"u8);
        json.WriteString(topicPrefix);
        json.WriteRaw(",\"ts_ms\":"u8);
        _sourceHead = json.ToArray();
        json.Clear();
        json.WriteRaw(",\"db\":"u8);
        json.WriteString(database);
        _database = json.ToArray();
    }

    /// <summary>The key of a change of <paramref name="row"/>, or null for a table without a primary key.</summary>
    public byte[]? EncodeKey(TableSchema schema, RowImage row)
    {
        if (!schema.HasKey)
        {
            return null;
        }

        _json.Clear();
        _json.WriteRaw(schema.KeyPrefix);
        _json.WriteByte((byte)'{');
        for (var k = 0; k < schema.KeyColumns.Count; k++)
        {
            if (k > 0)
            {
                _json.WriteByte((byte)',');
            }

            var column = schema.KeyColumns[k];
            _json.WriteRaw(schema.FieldNames[column]);
            WriteColumn(schema, row, column);
        }

        _json.WriteByte((byte)'}');
        if (schema.KeyPrefix.Length > 0)
        {
            _json.WriteByte((byte)'}');
        }

        return _json.ToArray();
    }

    /// <summary>The envelope of a change; <paramref name="before"/> and <paramref name="after"/> are null where Debezium puts null.</summary>
    public byte[] EncodeValue(
        TableSchema schema, ChangeKind kind, RowImage? before, RowImage? after, in SourcePosition source, SnapshotMarker marker)
    {
        _json.Clear();
        _json.WriteRaw(schema.ValuePrefix);
        _json.WriteRaw("{\"before\":"u8);
        WriteRow(schema, before);
        _json.WriteRaw(",\"after\":"u8);
        WriteRow(schema, after);
        _json.WriteRaw(",\"source\":"u8);
        WriteSource(schema, source, marker);
        _json.WriteRaw(",\"transaction\":null,\"op\":\""u8);
        _json.WriteByte((byte)kind);
        var now = (_clock.GetUtcNow().UtcTicks - DateTime.UnixEpoch.Ticks) * 100;
        _json.WriteRaw("\",\"ts_ms\":"u8);
        _json.WriteInt64(now / 1_000_000);
        _json.WriteRaw(",\"ts_us\":"u8);
        _json.WriteInt64(now / 1_000);
        _json.WriteRaw(",\"ts_ns\":"u8);
        _json.WriteInt64(now);
        _json.WriteByte((byte)'}');
        if (schema.ValuePrefix.Length > 0)
        {
            _json.WriteByte((byte)'}');
        }

        return _json.ToArray();
    }

    private void WriteRow(TableSchema schema, RowImage? row)
    {
        if (row is null)
        {
            _json.WriteNull();
            return;
        }

        _json.WriteByte((byte)'{');
        for (var i = 0; i < schema.Columns.Count; i++)
        {
            if (i > 0)
            {
                _json.WriteByte((byte)',');
            }

            _json.WriteRaw(schema.FieldNames[i]);
            WriteColumn(schema, row, i);
        }

        _json.WriteByte((byte)'}');
    }

    /// <summary>
    /// One value. A null is written as the column's default when it has one: JsonConverter's
    /// <c>replace.null.with.default</c> (true by default) does so for every field with a schema default.
    /// A column the row does not carry (it was added after the row's tuple was written) is null.
    /// </summary>
    private void WriteColumn(TableSchema schema, RowImage row, int index)
    {
        var column = schema.Columns[index];
        var kind = index < row.Count ? row.Kind(index) : ColumnValueKind.Null;
        switch (kind)
        {
            case ColumnValueKind.Value:
                try
                {
                    column.Type.WriteValue(_json, row.Value(index));
                }
                catch (FormatException e)
                {
                    throw new UnrepresentableValueException($"Column {schema.Table}.{column.Name}: {e.Message}.", e);
                }

                break;
            case ColumnValueKind.UnchangedToast:
                // Only without REPLICA IDENTITY FULL, when the old row could not fill it in: Debezium's
                // unavailable.value.placeholder.
                _json.WriteString("__debezium_unavailable_value"u8);
                break;
            default:
                if (column.DefaultJson is { } defaultJson)
                {
                    _json.WriteRaw(defaultJson);
                }
                else
                {
                    _json.WriteNull();
                }

                break;
        }
    }

    private void WriteSource(TableSchema schema, in SourcePosition source, SnapshotMarker marker)
    {
        var micros = source.TimestampMicros;
        _json.WriteRaw(_sourceHead);
        _json.WriteInt64(Math.DivRem(micros, 1000, out var rest) - (rest < 0 ? 1 : 0));
        _json.WriteRaw(",\"snapshot\":"u8);
        _json.WriteRaw(marker switch
        {
            SnapshotMarker.True => "\"true\""u8,
            SnapshotMarker.First => "\"first\""u8,
            SnapshotMarker.FirstInDataCollection => "\"first_in_data_collection\""u8,
            SnapshotMarker.LastInDataCollection => "\"last_in_data_collection\""u8,
            SnapshotMarker.Last => "\"last\""u8,
            _ => "\"false\""u8,
        });
        _json.WriteRaw(_database);
        _json.WriteRaw(",\"sequence\":\"["u8);
        if (source.LastCommitLsn is { } lastCommit)
        {
            _json.WriteRaw("\\\""u8);
            _json.WriteInt64((long)lastCommit);
            _json.WriteRaw("\\\""u8);
        }
        else
        {
            _json.WriteNull();
        }

        _json.WriteRaw(",\\\""u8);
        _json.WriteInt64((long)source.Lsn);
        _json.WriteRaw("\\\"]\",\"ts_us\":"u8);
        _json.WriteInt64(micros);
        _json.WriteRaw(",\"ts_ns\":"u8);
        _json.WriteInt64(micros * 1000);
        _json.WriteRaw(schema.SourceTable);
        _json.WriteRaw(",\"txId\":"u8);
        _json.WriteInt64(source.TransactionId);
        _json.WriteRaw(",\"lsn\":"u8);
        _json.WriteInt64((long)source.Lsn);
        _json.WriteRaw(",\"xmin\":null,\"origin\":null,\"origin_lsn\":null}"u8);
    }

    public void Dispose() => _json.Dispose();
}
