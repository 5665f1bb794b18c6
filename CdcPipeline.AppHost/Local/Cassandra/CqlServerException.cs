using CdcPipeline.ServiceDefaults.Cassandra;
using CdcPipeline.ServiceDefaults.Cassandra.Protocol;

namespace CdcPipeline.AppHost.Local.Cassandra;

/// <summary>An error the in-memory CQL server answers with an ERROR message, as Cassandra would (code, message, extra fields).</summary>
internal sealed class CqlServerException(CqlErrorCode code, string message, Action<CqlWriter>? writeExtra = null) : Exception(message)
{
    public CqlErrorCode Code { get; } = code;

    public byte[] ToErrorBody()
    {
        var writer = new CqlWriter();
        writer.WriteInt((int)Code);
        writer.WriteString(Message);
        writeExtra?.Invoke(writer);
        return writer.ToArray();
    }

    public static CqlServerException Invalid(string message) => new(CqlErrorCode.Invalid, message);

    public static CqlServerException Syntax(string message) => new(CqlErrorCode.SyntaxError, message);

    public static CqlServerException Protocol(string message) => new(CqlErrorCode.ProtocolError, message);

    /// <summary>Cassandra's answer when its request queues are full.</summary>
    public static CqlServerException Overloaded() =>
        new(CqlErrorCode.Overloaded, "Server is in overloaded state. Cannot accept more requests at this point");

    /// <summary>No replica acknowledged a write in time (<paramref name="writeType"/>: SIMPLE, BATCH, UNLOGGED_BATCH, COUNTER).</summary>
    public static CqlServerException WriteTimeout(CqlConsistency consistency, string writeType) =>
        new(CqlErrorCode.WriteTimeout, TimeoutMessage, writer =>
        {
            WriteTimeoutCounts(writer, consistency);
            writer.WriteString(writeType);
        });

    /// <summary>No replica answered a read in time.</summary>
    public static CqlServerException ReadTimeout(CqlConsistency consistency) =>
        new(CqlErrorCode.ReadTimeout, TimeoutMessage, writer =>
        {
            WriteTimeoutCounts(writer, consistency);
            writer.WriteByte(0);
        });

    private const string TimeoutMessage = "Operation timed out - received only 0 responses.";

    // <consistency><received><blockfor>: one node, none answered.
    private static void WriteTimeoutCounts(CqlWriter writer, CqlConsistency consistency)
    {
        writer.WriteShort((ushort)consistency);
        writer.WriteInt(0);
        writer.WriteInt(1);
    }
}
