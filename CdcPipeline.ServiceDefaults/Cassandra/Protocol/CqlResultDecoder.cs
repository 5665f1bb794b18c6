using CdcPipeline.ServiceDefaults.Cassandra.Codecs;

namespace CdcPipeline.ServiceDefaults.Cassandra.Protocol;

/// <summary>Decodes RESULT bodies (spec section 4.2.5).</summary>
internal static class CqlResultDecoder
{
    /// <summary>One decoded RESULT: rows come with the paging state; prepared results with their metadata.</summary>
    public sealed record Decoded(
        CqlResultKind Kind,
        IReadOnlyList<CqlColumn>? Columns = null,
        IReadOnlyList<CqlRow>? Rows = null,
        byte[]? PagingState = null,
        string? Keyspace = null,
        CqlSchemaChange? SchemaChange = null,
        byte[]? PreparedId = null,
        IReadOnlyList<CqlColumn>? Variables = null,
        IReadOnlyList<int>? PartitionKeyIndexes = null);

    /// <param name="knownColumns">Result columns of a prepared statement, used when the server skipped the metadata.</param>
    public static Decoded Decode(byte[] body, IReadOnlyList<CqlColumn>? knownColumns = null)
    {
        var reader = new CqlReader(body);
        var kind = (CqlResultKind)reader.ReadInt();
        return kind switch
        {
            CqlResultKind.Void => new Decoded(kind),
            CqlResultKind.Rows => DecodeRows(reader, knownColumns),
            CqlResultKind.SetKeyspace => new Decoded(kind, Keyspace: reader.ReadString()),
            CqlResultKind.Prepared => DecodePrepared(reader),
            CqlResultKind.SchemaChange => new Decoded(kind, SchemaChange: DecodeSchemaChange(reader)),
            _ => throw new InvalidDataException($"Unknown RESULT kind 0x{(int)kind:X4}."),
        };
    }

    private static Decoded DecodeRows(CqlReader reader, IReadOnlyList<CqlColumn>? knownColumns)
    {
        var metadata = CqlRowsMetadata.Read(reader);
        var columns = metadata.Columns.Count == metadata.ColumnCount ? metadata.Columns : knownColumns;
        if (columns is null || columns.Count != metadata.ColumnCount)
        {
            throw new InvalidDataException($"The server sent {metadata.ColumnCount} columns without metadata and none is known for this statement.");
        }

        var rowCount = reader.ReadCount("row");
        var rows = new List<CqlRow>(CqlReader.Capacity(rowCount));
        for (var r = 0; r < rowCount; r++)
        {
            var values = new object?[columns.Count];
            for (var c = 0; c < columns.Count; c++)
            {
                values[c] = DecodeValue(columns[c], reader.ReadBytes(), r);
            }

            rows.Add(new CqlRow(columns, values));
        }

        return new Decoded(CqlResultKind.Rows, columns, rows, metadata.PagingState);
    }

    private static object? DecodeValue(CqlColumn column, byte[]? bytes, int row)
    {
        try
        {
            return CqlCodec.Deserialize(column.Type, bytes);
        }
        catch (Exception exception) when (exception is InvalidDataException or ArgumentException or OverflowException)
        {
            throw new CqlException($"Cannot read column '{column.Name}' ({column.Type}) of row {row + 1} from {column.Keyspace}.{column.Table}: {exception.Message}.", exception);
        }
    }

    private static Decoded DecodePrepared(CqlReader reader)
    {
        var id = reader.ReadShortBytes();
        var flags = reader.ReadInt();
        var count = reader.ReadInt();
        var pkCount = reader.ReadCount("partition key index");
        var pkIndexes = new List<int>(CqlReader.Capacity(pkCount));
        for (var i = 0; i < pkCount; i++)
        {
            pkIndexes.Add(reader.ReadShort());
        }

        var variables = CqlRowsMetadata.ReadColumns(reader, flags, count);
        var resultMetadata = CqlRowsMetadata.Read(reader);
        return new Decoded(CqlResultKind.Prepared, Columns: resultMetadata.Columns, PreparedId: id, Variables: variables, PartitionKeyIndexes: pkIndexes);
    }

    private static CqlSchemaChange DecodeSchemaChange(CqlReader reader)
    {
        var change = reader.ReadString();
        var target = reader.ReadString();
        var keyspace = reader.ReadString();
        var name = target == "KEYSPACE" ? string.Empty : reader.ReadString();
        return new CqlSchemaChange(change, target, keyspace, name);
    }
}
