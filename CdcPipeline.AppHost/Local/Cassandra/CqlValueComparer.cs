using System.Buffers.Binary;
using CdcPipeline.ServiceDefaults.Cassandra;
using CdcPipeline.ServiceDefaults.Cassandra.Codecs;

namespace CdcPipeline.AppHost.Local.Cassandra;

/// <summary>Orders serialized values as Cassandra's types do (numbers by value, text and blobs by unsigned bytes, timeuuids by time).</summary>
internal static class CqlValueComparer
{
    public static int CompareBytes(byte[] left, byte[] right) => left.AsSpan().SequenceCompareTo(right);

    public static int Compare(CqlType type, byte[] left, byte[] right)
    {
        switch (type.Code)
        {
            case not (CqlTypeCode.Ascii or CqlTypeCode.Varchar or CqlTypeCode.Blob) when left.Length == 0 || right.Length == 0:
                return left.Length.CompareTo(right.Length);
            case CqlTypeCode.Int or CqlTypeCode.Bigint or CqlTypeCode.Smallint or CqlTypeCode.Tinyint or CqlTypeCode.Timestamp or CqlTypeCode.Counter
                or CqlTypeCode.Decimal or CqlTypeCode.Varint or CqlTypeCode.Double or CqlTypeCode.Float or CqlTypeCode.Time:
                var a = CqlCodec.Deserialize(type, left);
                var b = CqlCodec.Deserialize(type, right);
                return a is IComparable comparable ? comparable.CompareTo(b) : CompareBytes(left, right);
            case CqlTypeCode.Timeuuid when left.Length == 16 && right.Length == 16:
                var byTime = TimeuuidTicks(left).CompareTo(TimeuuidTicks(right));
                return byTime != 0 ? byTime : CompareBytes(left, right);
            default:
                return CompareBytes(left, right);
        }
    }

    private static long TimeuuidTicks(byte[] uuid)
    {
        var timeLow = BinaryPrimitives.ReadUInt32BigEndian(uuid);
        var timeMid = BinaryPrimitives.ReadUInt16BigEndian(uuid.AsSpan(4));
        var timeHigh = BinaryPrimitives.ReadUInt16BigEndian(uuid.AsSpan(6)) & 0x0FFF;
        return ((long)timeHigh << 48) | ((long)timeMid << 32) | timeLow;
    }
}

/// <summary>Orders clustering keys by their columns' types and CLUSTERING ORDER.</summary>
internal sealed class CqlClusteringComparer(CqlTableSchema schema) : IComparer<byte[][]>
{
    public int Compare(byte[][]? x, byte[][]? y)
    {
        for (var i = 0; i < schema.Clustering.Count; i++)
        {
            var result = CqlValueComparer.Compare(schema.Clustering[i].Type, x![i], y![i]);
            if (result != 0)
            {
                return schema.ClusteringDescending[i] ? -result : result;
            }
        }

        return 0;
    }
}

/// <summary>Orders partition keys by their serialized bytes (a stand-in for token order).</summary>
internal sealed class CqlPartitionKeyComparer : IComparer<byte[][]>
{
    public static readonly CqlPartitionKeyComparer Instance = new();

    public int Compare(byte[][]? x, byte[][]? y)
    {
        for (var i = 0; i < x!.Length; i++)
        {
            var result = CqlValueComparer.CompareBytes(x[i], y![i]);
            if (result != 0)
            {
                return result;
            }
        }

        return 0;
    }
}
