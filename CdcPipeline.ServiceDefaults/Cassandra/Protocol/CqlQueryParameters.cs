namespace CdcPipeline.ServiceDefaults.Cassandra.Protocol;

/// <summary>The &lt;query_parameters&gt; of QUERY and EXECUTE (spec section 4.1.4).</summary>
internal sealed record CqlQueryParameters(
    CqlConsistency Consistency,
    IReadOnlyList<CqlValue> Values,
    bool SkipMetadata = false,
    int? PageSize = null,
    byte[]? PagingState = null,
    CqlConsistency? SerialConsistency = null,
    long? Timestamp = null)
{
    public const byte ValuesFlag = 0x01;
    public const byte SkipMetadataFlag = 0x02;
    public const byte PageSizeFlag = 0x04;
    public const byte PagingStateFlag = 0x08;
    public const byte SerialConsistencyFlag = 0x10;
    public const byte DefaultTimestampFlag = 0x20;
    public const byte NamesForValuesFlag = 0x40;

    public void WriteTo(CqlWriter writer)
    {
        writer.WriteShort((ushort)Consistency);
        byte flags = 0;
        if (Values.Count > 0)
        {
            flags |= ValuesFlag;
        }

        if (SkipMetadata)
        {
            flags |= SkipMetadataFlag;
        }

        if (PageSize is not null)
        {
            flags |= PageSizeFlag;
        }

        if (PagingState is not null)
        {
            flags |= PagingStateFlag;
        }

        if (SerialConsistency is not null)
        {
            flags |= SerialConsistencyFlag;
        }

        if (Timestamp is not null)
        {
            flags |= DefaultTimestampFlag;
        }

        writer.WriteByte(flags);
        if (Values.Count > 0)
        {
            writer.WriteShort((ushort)Values.Count);
            foreach (var value in Values)
            {
                writer.WriteValue(value);
            }
        }

        if (PageSize is { } pageSize)
        {
            writer.WriteInt(pageSize);
        }

        if (PagingState is not null)
        {
            writer.WriteBytes(PagingState);
        }

        if (SerialConsistency is { } serial)
        {
            writer.WriteShort((ushort)serial);
        }

        if (Timestamp is { } timestamp)
        {
            writer.WriteLong(timestamp);
        }
    }
}
