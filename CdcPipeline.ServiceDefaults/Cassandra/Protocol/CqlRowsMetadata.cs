namespace CdcPipeline.ServiceDefaults.Cassandra.Protocol;

/// <summary>The &lt;metadata&gt; of a Rows result (spec section 4.2.5.2).</summary>
internal sealed record CqlRowsMetadata(IReadOnlyList<CqlColumn> Columns, int ColumnCount, byte[]? PagingState)
{
    public const int GlobalTablesSpecFlag = 0x0001;
    public const int HasMorePagesFlag = 0x0002;
    public const int NoMetadataFlag = 0x0004;

    public static CqlRowsMetadata Read(CqlReader reader)
    {
        var flags = reader.ReadInt();
        var count = reader.ReadCount("column");
        var pagingState = (flags & HasMorePagesFlag) != 0 ? reader.ReadBytes() : null;
        if ((flags & NoMetadataFlag) != 0)
        {
            return new CqlRowsMetadata([], count, pagingState);
        }

        return new CqlRowsMetadata(ReadColumns(reader, flags, count), count, pagingState);
    }

    public static IReadOnlyList<CqlColumn> ReadColumns(CqlReader reader, int flags, int count)
    {
        string? keyspace = null;
        string? table = null;
        if ((flags & GlobalTablesSpecFlag) != 0)
        {
            keyspace = reader.ReadString();
            table = reader.ReadString();
        }

        var columns = new List<CqlColumn>(CqlReader.Capacity(count));
        for (var i = 0; i < count; i++)
        {
            var columnKeyspace = keyspace ?? reader.ReadString();
            var columnTable = table ?? reader.ReadString();
            var name = reader.ReadString();
            columns.Add(new CqlColumn(columnKeyspace, columnTable, name, reader.ReadType()));
        }

        return columns;
    }

    /// <summary>Writes the metadata with a global table spec (all columns of one table), or only the count when <paramref name="noMetadata"/>.</summary>
    public static void Write(CqlWriter writer, IReadOnlyList<CqlColumn> columns, byte[]? pagingState, bool noMetadata)
    {
        var flags = 0;
        var global = columns.Count > 0 && columns.All(c => c.Keyspace == columns[0].Keyspace && c.Table == columns[0].Table);
        if (noMetadata)
        {
            flags |= NoMetadataFlag;
        }
        else if (global)
        {
            flags |= GlobalTablesSpecFlag;
        }

        if (pagingState is not null)
        {
            flags |= HasMorePagesFlag;
        }

        writer.WriteInt(flags);
        writer.WriteInt(columns.Count);
        if (pagingState is not null)
        {
            writer.WriteBytes(pagingState);
        }

        if (noMetadata)
        {
            return;
        }

        WriteColumnSpecs(writer, columns, global);
    }

    public static void WriteColumnSpecs(CqlWriter writer, IReadOnlyList<CqlColumn> columns, bool global)
    {
        if (global)
        {
            writer.WriteString(columns[0].Keyspace);
            writer.WriteString(columns[0].Table);
        }

        foreach (var column in columns)
        {
            if (!global)
            {
                writer.WriteString(column.Keyspace);
                writer.WriteString(column.Table);
            }

            writer.WriteString(column.Name);
            writer.WriteType(column.Type);
        }
    }
}
