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
}
