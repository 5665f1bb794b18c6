using System.Net.Sockets;
using CdcPipeline.ServiceDefaults.Cassandra;

namespace CdcPipeline.CassandraSink.Writing;

/// <summary>Which Cassandra failures the sink waits out (retrying the same batch) and which stop it.</summary>
internal static class CassandraFailures
{
    /// <summary>
    /// Cassandra unreachable, slow, overloaded or not ready: retried until it succeeds. A refused value is isolated
    /// (<see cref="IsRowRefusal"/>); anything else (a syntax error, a missing table or column, no permission) stops the
    /// sink with the server's message rather than skipping changes.
    /// </summary>
    public static bool IsTransient(Exception error) => error switch
    {
        CqlServerException server => server.Code is CqlErrorCode.ServerError or CqlErrorCode.Unavailable or CqlErrorCode.Overloaded
            or CqlErrorCode.IsBootstrapping or CqlErrorCode.WriteTimeout or CqlErrorCode.WriteFailure or CqlErrorCode.ReadTimeout
            or CqlErrorCode.TruncateError or CqlErrorCode.Unprepared,
        CqlException or IOException or SocketException or TimeoutException => true,
        _ => false,
    };

    /// <summary>
    /// Cassandra refuses a request for what it carries: an Invalid error that is not about the schema (a missing
    /// keyspace, table or column would refuse every row alike). E.g. an invalid value, a value over a guardrail, an
    /// oversized mutation, a batch too large. Refused alone, such a write is the row's own problem: its change is
    /// dead-lettered and the rest goes on.
    /// </summary>
    public static bool IsRowRefusal(Exception error) =>
        error is CqlServerException { Code: CqlErrorCode.Invalid } server && !IsSchemaProblem(server.ServerMessage);

    private static bool IsSchemaProblem(string message) =>
        message.Contains("unconfigured table", StringComparison.OrdinalIgnoreCase)
        || message.Contains("does not exist", StringComparison.OrdinalIgnoreCase)
        || message.Contains("Undefined column", StringComparison.OrdinalIgnoreCase)
        || message.Contains("Unknown identifier", StringComparison.OrdinalIgnoreCase)
        || message.Contains("No keyspace has been specified", StringComparison.OrdinalIgnoreCase);

    /// <summary>A node that has not applied a new table yet (schema not agreed): transient only shortly after the sink created it.</summary>
    public static bool IsUnconfiguredTable(Exception error) =>
        error is CqlServerException { Code: CqlErrorCode.Invalid } server
        && server.ServerMessage.Contains("unconfigured table", StringComparison.OrdinalIgnoreCase);
}
