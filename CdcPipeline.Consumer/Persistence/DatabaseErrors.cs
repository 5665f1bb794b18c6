using System.Net.Sockets;
using Npgsql;

namespace CdcPipeline.Consumer.Persistence;

/// <summary>Sorts PostgreSQL failures into a bad value (set the event aside) and everything else (wait and retry).</summary>
internal static class DatabaseErrors
{
    /// <summary>Data exceptions (class 22) and integrity violations (class 23): this value, not the server, is the problem.</summary>
    public static bool IsDataError(PostgresException exception) =>
        exception.SqlState.StartsWith("22", StringComparison.Ordinal) || exception.SqlState.StartsWith("23", StringComparison.Ordinal);

    /// <summary>
    /// A failure worth waiting out: the server is down, restarting, refusing connections or out of resources, or
    /// reports an error that is not about a value (e.g. the schema is not there yet). Nothing is skipped for it.
    /// </summary>
    public static bool IsRetryable(Exception exception) => exception switch
    {
        PostgresException postgres => !IsDataError(postgres),
        NpgsqlException or TimeoutException or IOException or SocketException => true,
        _ => false,
    };

    /// <summary>Whether the connection itself failed (then pooled connections are suspect and the pool is cleared).</summary>
    public static bool IsConnectionFailure(Exception exception) => exception switch
    {
        PostgresException postgres => postgres.SqlState.StartsWith("08", StringComparison.Ordinal)
            || postgres.SqlState.StartsWith("57P", StringComparison.Ordinal),
        _ => true,
    };
}
