using System.Text;
using System.Text.RegularExpressions;
using CdcPipeline.CassandraSink.Options;

namespace CdcPipeline.CassandraSink.Schema;

/// <summary>The statements of the <c>sql/cassandra/*.cql</c> files, in file name order, one statement per request.</summary>
internal static partial class CqlScript
{
    public const string FileKeyspace = "cdc_keyspace";

    /// <summary>Reads every <c>.cql</c> file of the directory; the files' keyspace name is replaced by <paramref name="keyspace"/>.</summary>
    public static IReadOnlyList<string> Load(string directory, string keyspace)
    {
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"the Cassandra schema directory '{directory}' does not exist ({SinkOptions.Section}:SchemaDirectory)");
        }

        var files = Directory.GetFiles(directory, "*.cql").Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0)
        {
            throw new FileNotFoundException($"no .cql files in the Cassandra schema directory '{directory}'");
        }

        return files.SelectMany(file => Split(File.ReadAllText(file)))
            .Select(statement => KeyspaceName().Replace(statement, keyspace))
            .ToList();
    }

    /// <summary>Splits a script at semicolons outside quotes, dropping <c>--</c> and <c>//</c> line comments.</summary>
    public static IReadOnlyList<string> Split(string script)
    {
        var statements = new List<string>();
        var current = new StringBuilder();
        var inQuote = false;
        for (var i = 0; i < script.Length; i++)
        {
            var c = script[i];
            if (!inQuote && (c == '-' || c == '/') && i + 1 < script.Length && script[i + 1] == c)
            {
                while (i < script.Length && script[i] != '\n')
                {
                    i++;
                }

                current.Append('\n');
                continue;
            }

            if (c == '\'')
            {
                inQuote = !inQuote;
            }

            if (c == ';' && !inQuote)
            {
                Add(statements, current);
                continue;
            }

            current.Append(c);
        }

        Add(statements, current);
        return statements;
    }

    private static void Add(List<string> statements, StringBuilder current)
    {
        var statement = WhiteSpace().Replace(current.ToString(), " ").Trim();
        if (statement.Length > 0)
        {
            statements.Add(statement);
        }

        current.Clear();
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhiteSpace();

    [GeneratedRegex(@"\b" + FileKeyspace + @"\b")]
    private static partial Regex KeyspaceName();
}
