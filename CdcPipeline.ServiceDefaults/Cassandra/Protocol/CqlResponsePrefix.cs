namespace CdcPipeline.ServiceDefaults.Cassandra.Protocol;

/// <summary>The optional prefix of a response body (tracing id, warnings, custom payload), announced by the frame's flags.</summary>
internal static class CqlResponsePrefix
{
    /// <summary>Drops the tracing id, warnings and custom payload that flags may put before the message body.</summary>
    public static CqlFrame Strip(CqlFrame frame)
    {
        if ((frame.Flags & (CqlFrame.TracingFlag | CqlFrame.WarningFlag | CqlFrame.CustomPayloadFlag)) == 0)
        {
            return frame;
        }

        var reader = new CqlReader(frame.Body);
        if ((frame.Flags & CqlFrame.TracingFlag) != 0)
        {
            reader.ReadUuid();
        }

        if ((frame.Flags & CqlFrame.WarningFlag) != 0)
        {
            reader.ReadStringList();
        }

        if ((frame.Flags & CqlFrame.CustomPayloadFlag) != 0)
        {
            reader.ReadBytesMap();
        }

        return frame with { Body = frame.Body[reader.Position..] };
    }
}
