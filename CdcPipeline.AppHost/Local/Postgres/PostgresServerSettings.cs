using System.Globalization;

namespace CdcPipeline.AppHost.Local.Postgres;

/// <summary>
/// Server settings of a PostgreSQL started from the local binaries for change data capture: listening on 127.0.0.1
/// only, its unix socket in a directory of its own (the default one may not exist or belong to another server), and
/// logical replication with room for slots and senders.
/// </summary>
internal static class PostgresServerSettings
{
    public const string ListenAddress = "127.0.0.1";

    public static IReadOnlyList<KeyValuePair<string, string>> LogicalReplication(string socketDirectory, int maxReplicationSlots, int maxWalSenders) =>
    [
        new("listen_addresses", ListenAddress),
        new("unix_socket_directories", socketDirectory),
        new("wal_level", "logical"),
        new("max_replication_slots", maxReplicationSlots.ToString(CultureInfo.InvariantCulture)),
        new("max_wal_senders", maxWalSenders.ToString(CultureInfo.InvariantCulture)),
    ];

    /// <summary><c>-c name=value</c> pairs for the <c>postgres</c> command line.</summary>
    public static IEnumerable<string> ToArguments(IEnumerable<KeyValuePair<string, string>> settings) =>
        settings.SelectMany(setting => new[] { "-c", $"{setting.Key}={setting.Value}" });

    /// <summary><c>name = 'value'</c> lines for <c>postgresql.conf</c>; a later line of the file wins over an earlier one.</summary>
    public static string ToConfigurationLines(IEnumerable<KeyValuePair<string, string>> settings) =>
        string.Concat(settings.Select(setting => $"{setting.Key} = '{setting.Value.Replace("'", "''", StringComparison.Ordinal)}'\n"));
}
