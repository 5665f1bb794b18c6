namespace CdcPipeline.ServiceDefaults.Cassandra;

/// <summary>The connection could not be opened, or it was lost while a request was pending.</summary>
internal sealed class CqlConnectionException : CqlException
{
    public CqlConnectionException(string message)
        : base(message)
    {
    }

    public CqlConnectionException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
