using CdcPipeline.ServiceDefaults.Cassandra.Codecs;

namespace CdcPipeline.AppHost.Local.Cassandra;

/// <summary>A cell: a value, or a tombstone (null value), with its write timestamp in microseconds.</summary>
internal sealed record CqlCell(byte[]? Value, long Timestamp)
{
    /// <summary>
    /// Cassandra's reconcile rule: the higher timestamp wins; on a tie a tombstone wins over a value,
    /// and between two values the greater one (by unsigned bytes) wins.
    /// </summary>
    public bool IsSupersededBy(CqlCell other)
    {
        if (other.Timestamp != Timestamp)
        {
            return other.Timestamp > Timestamp;
        }

        if (Value is null)
        {
            return false;
        }

        return other.Value is null || CqlValueComparer.CompareBytes(other.Value, Value) > 0;
    }
}

/// <summary>A live row: values in schema column order and the write timestamps of its live regular cells.</summary>
internal sealed record CqlLiveRow(byte[]?[] Values, long?[] WriteTimes);

internal sealed class CqlStoredRow(byte[][] clustering)
{
    public byte[][] Clustering { get; } = clustering;

    /// <summary>Timestamp of the row marker an INSERT writes (an UPDATE does not).</summary>
    public long? MarkerTimestamp { get; set; }

    public long? DeletionTimestamp { get; set; }

    public Dictionary<string, CqlCell> Cells { get; } = new(StringComparer.Ordinal);
}

internal sealed class CqlPartition(byte[][] key, CqlTableSchema schema)
{
    public byte[][] Key { get; } = key;

    public long? DeletionTimestamp { get; set; }

    public SortedDictionary<byte[][], CqlStoredRow> Rows { get; } = new(new CqlClusteringComparer(schema));
}

/// <summary>The rows of one table: partitions of clustered rows of timestamped cells, with row and partition tombstones.</summary>
internal sealed class CqlTableData(CqlTableSchema schema)
{
    private readonly SortedDictionary<byte[][], CqlPartition> _partitions = new(CqlPartitionKeyComparer.Instance);

    public CqlTableSchema Schema { get; } = schema;

    public void Write(byte[][] partitionKey, byte[][] clustering, IReadOnlyDictionary<string, byte[]?> cells, long timestamp, bool writeMarker)
    {
        var row = GetOrAddRow(partitionKey, clustering);
        if (writeMarker && (row.MarkerTimestamp is null || timestamp > row.MarkerTimestamp))
        {
            row.MarkerTimestamp = timestamp;
        }

        foreach (var (column, value) in cells)
        {
            var cell = new CqlCell(value, timestamp);
            if (!row.Cells.TryGetValue(column, out var existing) || existing.IsSupersededBy(cell))
            {
                row.Cells[column] = cell;
            }
        }
    }

    /// <summary>Writes a row the server itself keeps (system tables): .NET values by column name, serialized by column type.</summary>
    public void Insert(IReadOnlyDictionary<string, object?> values, long timestamp)
    {
        byte[] Key(CqlColumnDefinition column) => CqlCodec.Serialize(column.Type, values[column.Name]).Bytes
            ?? throw new ArgumentException($"The key column {column.Name} of {Schema.Keyspace}.{Schema.Name} is null", nameof(values));
        var cells = Schema.Regular.Where(c => values.ContainsKey(c.Name)).ToDictionary(c => c.Name, c => CqlCodec.Serialize(c.Type, values[c.Name]).Bytes, StringComparer.Ordinal);
        Write([.. Schema.PartitionKey.Select(Key)], [.. Schema.Clustering.Select(Key)], cells, timestamp, writeMarker: true);
    }

    public void DeleteRow(byte[][] partitionKey, byte[][] clustering, long timestamp)
    {
        var row = GetOrAddRow(partitionKey, clustering);
        row.DeletionTimestamp = Math.Max(row.DeletionTimestamp ?? long.MinValue, timestamp);
    }

    public void DeletePartition(byte[][] partitionKey, long timestamp)
    {
        var partition = GetOrAddPartition(partitionKey);
        partition.DeletionTimestamp = Math.Max(partition.DeletionTimestamp ?? long.MinValue, timestamp);
    }

    public void Truncate() => _partitions.Clear();

    /// <summary>Live rows with values in schema column order (null for dead or absent cells), in clustering order.</summary>
    public IEnumerable<CqlLiveRow> Read(byte[][]? partitionKey)
    {
        IEnumerable<CqlPartition> partitions = partitionKey is null
            ? _partitions.Values
            : _partitions.TryGetValue(partitionKey, out var one) ? [one] : [];
        foreach (var partition in partitions)
        {
            foreach (var row in partition.Rows.Values)
            {
                if (Materialize(partition, row) is { } values)
                {
                    yield return values;
                }
            }
        }
    }

    private CqlLiveRow? Materialize(CqlPartition partition, CqlStoredRow row)
    {
        var deletion = Math.Max(partition.DeletionTimestamp ?? long.MinValue, row.DeletionTimestamp ?? long.MinValue);
        var live = row.MarkerTimestamp > deletion;
        var values = new byte[]?[Schema.Columns.Count];
        var writeTimes = new long?[Schema.Columns.Count];
        for (var i = 0; i < Schema.Columns.Count; i++)
        {
            var column = Schema.Columns[i];
            switch (column.Kind)
            {
                case CqlColumnKind.PartitionKey:
                    values[i] = partition.Key[Schema.PartitionKey.ToList().IndexOf(column)];
                    break;
                case CqlColumnKind.Clustering:
                    values[i] = row.Clustering[Schema.Clustering.ToList().IndexOf(column)];
                    break;
                default:
                    if (row.Cells.TryGetValue(column.Name, out var cell) && cell.Value is not null && cell.Timestamp > deletion)
                    {
                        values[i] = cell.Value;
                        writeTimes[i] = cell.Timestamp;
                        live = true;
                    }

                    break;
            }
        }

        return live ? new CqlLiveRow(values, writeTimes) : null;
    }

    private CqlStoredRow GetOrAddRow(byte[][] partitionKey, byte[][] clustering)
    {
        var partition = GetOrAddPartition(partitionKey);
        if (!partition.Rows.TryGetValue(clustering, out var row))
        {
            row = new CqlStoredRow(clustering);
            partition.Rows.Add(clustering, row);
        }

        return row;
    }

    private CqlPartition GetOrAddPartition(byte[][] partitionKey)
    {
        if (!_partitions.TryGetValue(partitionKey, out var partition))
        {
            partition = new CqlPartition(partitionKey, Schema);
            _partitions.Add(partitionKey, partition);
        }

        return partition;
    }
}
