using CdcPipeline.ServiceDefaults.Cassandra.Protocol;

namespace CdcPipeline.AppHost.Local.Cassandra;

/// <summary>
/// The paging state of the in-memory CQL server: the primary key of the last row returned, as Cassandra's paging state
/// carries the last partition key and clustering. The next page starts strictly after that key, so rows written or
/// deleted between pages neither repeat nor skip rows.
/// </summary>
internal sealed class CqlPagingPosition(CqlTableSchema schema, bool reversed)
{
    private readonly CqlClusteringComparer _clustering = new(schema);
    private readonly int[] _partitionKey = [.. schema.PartitionKey.Select(c => IndexOf(schema, c))];
    private readonly int[] _clusteringKey = [.. schema.Clustering.Select(c => IndexOf(schema, c))];

    public byte[] Encode(CqlLiveRow row)
    {
        var writer = new CqlWriter();
        writer.WriteShort((ushort)(_partitionKey.Length + _clusteringKey.Length));
        foreach (var index in _partitionKey.Concat(_clusteringKey))
        {
            writer.WriteBytes(row.Values[index]);
        }

        return writer.ToArray();
    }

    public (byte[][] PartitionKey, byte[][] Clustering) Decode(byte[] state)
    {
        try
        {
            var reader = new CqlReader(state);
            var count = reader.ReadShort();
            var components = new byte[count][];
            for (var i = 0; i < count; i++)
            {
                components[i] = reader.ReadBytes() ?? throw new InvalidDataException("a key component is null");
            }

            if (count != _partitionKey.Length + _clusteringKey.Length || !reader.AtEnd)
            {
                throw new InvalidDataException($"it holds {count} key components, the table's primary key has {_partitionKey.Length + _clusteringKey.Length}");
            }

            return (components[.._partitionKey.Length], components[_partitionKey.Length..]);
        }
        catch (Exception exception) when (exception is InvalidDataException or ArgumentException)
        {
            throw CqlServerException.Protocol($"Invalid value for the paging state: {exception.Message}");
        }
    }

    /// <summary>Where a row falls relative to the decoded position, in the order the query returns rows.</summary>
    public int CompareTo(CqlLiveRow row, (byte[][] PartitionKey, byte[][] Clustering) position)
    {
        var partition = CqlPartitionKeyComparer.Instance.Compare(Pick(row, _partitionKey), position.PartitionKey);
        if (partition != 0)
        {
            return partition;
        }

        var clustering = _clustering.Compare(Pick(row, _clusteringKey), position.Clustering);
        return reversed ? -clustering : clustering;
    }

    private static byte[][] Pick(CqlLiveRow row, int[] indexes) => [.. indexes.Select(i => row.Values[i] ?? [])];

    private static int IndexOf(CqlTableSchema schema, CqlColumnDefinition column) =>
        schema.Columns.Select((c, i) => (c, i)).First(x => x.c.Name == column.Name).i;
}
