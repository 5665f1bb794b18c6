namespace CdcPipeline.ServiceDefaults.Cassandra.Protocol;

/// <summary>Bodies of the request messages of spec section 4.1.</summary>
internal static class CqlRequests
{
    public const string CqlVersion = "3.0.0";

    public static byte[] Startup()
    {
        var writer = new CqlWriter();
        writer.WriteStringMap(new Dictionary<string, string> { ["CQL_VERSION"] = CqlVersion });
        return writer.ToArray();
    }

    public static byte[] Empty() => [];

    /// <summary>SASL PLAIN token of PasswordAuthenticator: <c>\0user\0password</c>.</summary>
    public static byte[] PlainAuthResponse(string username, string password)
    {
        var writer = new CqlWriter();
        var user = System.Text.Encoding.UTF8.GetBytes(username);
        var secret = System.Text.Encoding.UTF8.GetBytes(password);
        var token = new byte[2 + user.Length + secret.Length];
        user.CopyTo(token, 1);
        secret.CopyTo(token, 2 + user.Length);
        writer.WriteBytes(token);
        return writer.ToArray();
    }

    public static byte[] Query(string cql, CqlQueryParameters parameters)
    {
        var writer = new CqlWriter();
        writer.WriteLongString(cql);
        parameters.WriteTo(writer);
        return writer.ToArray();
    }

    public static byte[] Prepare(string cql)
    {
        var writer = new CqlWriter();
        writer.WriteLongString(cql);
        return writer.ToArray();
    }

    public static byte[] Execute(byte[] id, CqlQueryParameters parameters)
    {
        var writer = new CqlWriter();
        writer.WriteShortBytes(id);
        parameters.WriteTo(writer);
        return writer.ToArray();
    }

    /// <summary>BATCH (spec section 4.1.7): children are CQL text (kind 0) or a prepared id (kind 1) with their values.</summary>
    public static byte[] Batch(
        CqlBatchType type,
        IReadOnlyList<(string? Query, byte[]? PreparedId, IReadOnlyList<CqlValue> Values)> children,
        CqlConsistency consistency,
        CqlConsistency? serialConsistency,
        long? timestamp)
    {
        var writer = new CqlWriter();
        writer.WriteByte((byte)type);
        writer.WriteShort((ushort)children.Count);
        foreach (var (query, preparedId, values) in children)
        {
            if (preparedId is not null)
            {
                writer.WriteByte(1);
                writer.WriteShortBytes(preparedId);
            }
            else
            {
                writer.WriteByte(0);
                writer.WriteLongString(query!);
            }

            writer.WriteShort((ushort)values.Count);
            foreach (var value in values)
            {
                writer.WriteValue(value);
            }
        }

        writer.WriteShort((ushort)consistency);
        byte flags = 0;
        if (serialConsistency is not null)
        {
            flags |= CqlQueryParameters.SerialConsistencyFlag;
        }

        if (timestamp is not null)
        {
            flags |= CqlQueryParameters.DefaultTimestampFlag;
        }

        writer.WriteByte(flags);
        if (serialConsistency is { } serial)
        {
            writer.WriteShort((ushort)serial);
        }

        if (timestamp is { } value1)
        {
            writer.WriteLong(value1);
        }

        return writer.ToArray();
    }
}
