namespace CdcPipeline.AppHost.Local.Postgres;

/// <summary>
/// Runs the server under a small shell that turns DCP's stop signal into PostgreSQL's fast shutdown.
/// </summary>
/// <remarks>
/// DCP stops an executable with SIGTERM and kills it 6 s later. For PostgreSQL, SIGTERM is a smart shutdown: it waits
/// for every client to disconnect, and the services keep their pools open while they stop, so the server would be
/// killed mid-way every time. SIGINT is the fast shutdown (clients are disconnected, a checkpoint is written, the
/// server exits 0). The shell forwards the one as the other and exits with the server's status; it waits again
/// after a signal interrupted its wait, until the server has really exited.
/// </remarks>
internal static class FastShutdown
{
    public const string Shell = "/bin/sh";

    /// <summary>The script; the server's command line follows as its positional parameters.</summary>
    public const string Script =
        """trap 'kill -INT "$pid" 2>/dev/null' TERM INT; "$@" & pid=$!; while :; do wait "$pid"; status=$?; kill -0 "$pid" 2>/dev/null || exit "$status"; done""";

    /// <summary>Arguments of <see cref="Shell"/> that run <paramref name="command"/> under the script.</summary>
    public static IEnumerable<string> Arguments(string fileName) => ["-c", Script, "postgres-fast-shutdown", fileName];
}
