using System.Text.RegularExpressions;

namespace CdcPipeline.AppHost.Local.Cassandra;

/// <summary>Writes names and text the way Cassandra's DESCRIBE does, so that its output parses back to the same schema.</summary>
internal static partial class CqlNames
{
    /// <summary>Cassandra's reserved keywords: a name spelled like one must be quoted.</summary>
    private static readonly HashSet<string> Reserved = new(StringComparer.Ordinal)
    {
        "add", "allow", "alter", "and", "apply", "asc", "authorize", "batch", "begin", "by", "columnfamily", "create",
        "default", "delete", "desc", "describe", "drop", "entries", "execute", "from", "full", "grant", "if", "in", "index",
        "infinity", "insert", "into", "is", "keyspace", "limit", "materialized", "mbean", "mbeans", "modify", "nan",
        "norecursive", "not", "null", "of", "on", "or", "order", "primary", "rename", "replace", "revoke", "schema",
        "select", "set", "table", "to", "token", "truncate", "unlogged", "unset", "update", "use", "using", "view",
        "where", "with",
    };

    /// <summary>The name as is when it is a plain lower-case identifier, otherwise double-quoted.</summary>
    public static string Quote(string name) =>
        PlainIdentifier().IsMatch(name) && !Reserved.Contains(name) ? name : $"\"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";

    public static string Literal(string text) => $"'{text.Replace("'", "''", StringComparison.Ordinal)}'";

    public static string Qualified(string keyspace, string table) => $"{Quote(keyspace)}.{Quote(table)}";

    [GeneratedRegex("^[a-z][a-z0-9_]*$")]
    private static partial Regex PlainIdentifier();
}
