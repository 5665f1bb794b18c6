using System.Net.Sockets;
using CdcPipeline.ServiceDefaults.Cassandra;

namespace CdcPipeline.CassandraSink.Writing;

/// <summary>Which Cassandra failures the sink waits out (retrying the same batch) and which stop it.</summary>
internal static class CassandraFailures
{
    /// <summary>
    /// Cassandra unreachable, slow, overloaded or not ready: retried until it succeeds. Anything else (a syntax error,
    /// a missing table, a refused value) stops the sink with the server's message rather than skipping changes.
    /// </summary>
    public static bool IsTransient(Exception error) => error switch
    {
        CqlServerException server => server.Code is CqlErrorCode.ServerError or CqlErrorCode.Unavailable or CqlErrorCode.Overloaded
            or CqlErrorCode.IsBootstrapping or CqlErrorCode.WriteTimeout or CqlErrorCode.WriteFailure or CqlErrorCode.ReadTimeout
            or CqlErrorCode.TruncateError or CqlErrorCode.Unprepared,
        CqlException or IOException or SocketException or TimeoutException => true,
        _ => false,
    };

    /// <summary>A node that has not applied a new table yet (schema not agreed): transient only shortly after the sink created it.</summary>
    public static bool IsUnconfiguredTable(Exception error) =>
        error is CqlServerException { Code: CqlErrorCode.Invalid } server
        && server.ServerMessage.Contains("unconfigured table", StringComparison.OrdinalIgnoreCase);
}
