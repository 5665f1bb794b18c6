namespace CdcPipeline.ServiceDefaults.Cassandra;

/// <summary>Base of every error this client raises.</summary>
public class CqlException : Exception
{
    public CqlException(string message)
        : base(message)
    {
    }

    public CqlException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
