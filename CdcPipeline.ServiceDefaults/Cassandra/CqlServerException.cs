namespace CdcPipeline.ServiceDefaults.Cassandra;

/// <summary>
/// An ERROR message from the server. The message reads
/// <c>Cassandra error 0x2200 (Invalid): unconfigured table users</c>: the code, its name and what the server said.
/// </summary>
public class CqlServerException(CqlErrorCode code, string serverMessage)
    : CqlException($"Cassandra error 0x{(int)code:X4} ({code}): {serverMessage}")
{
    public CqlErrorCode Code { get; } = code;

    /// <summary>The message text exactly as the server sent it.</summary>
    public string ServerMessage { get; } = serverMessage;
}
