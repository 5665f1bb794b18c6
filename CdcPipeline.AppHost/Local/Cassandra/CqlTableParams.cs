using System.Collections;
using System.Globalization;

namespace CdcPipeline.AppHost.Local.Cassandra;

/// <summary>
/// The table options every table of the in-memory server reports, in <c>system_schema.tables</c> and in DESCRIBE:
/// Cassandra 4.1's defaults, with the table's comment.
/// </summary>
/// <remarks>
/// The server accepts the options of a CREATE TABLE other than CLUSTERING ORDER and ignores them (it has no compaction,
/// compression, caching or TTL), so a table with options still reports these defaults. The defaults are what a real node
/// reports for the sink's tables, whose DDL sets none, and drivers need the columns: the DataStax Python driver exports
/// <c>CREATE TABLE ... WITH</c> followed by these options, which would end in a bare <c>WITH</c> without them.
/// </remarks>
internal static class CqlTableParams
{
    /// <summary>The options in the order Cassandra 4.1's DESCRIBE prints them, as stored in <c>system_schema.tables</c>.</summary>
    public static IReadOnlyList<(string Name, object Value)> Of(CqlTableSchema table) =>
    [
        ("additional_write_policy", "99p"),
        ("bloom_filter_fp_chance", 0.01),
        ("caching", Map(("keys", "ALL"), ("rows_per_partition", "NONE"))),
        ("cdc", false),
        ("comment", table.Comment),
        ("compaction", Map(("class", "org.apache.cassandra.db.compaction.SizeTieredCompactionStrategy"), ("max_threshold", "32"), ("min_threshold", "4"))),
        ("compression", Map(("chunk_length_in_kb", "16"), ("class", "org.apache.cassandra.io.compress.LZ4Compressor"))),
        ("memtable", "default"),
        ("crc_check_chance", 1.0),
        ("default_time_to_live", 0),
        ("extensions", new Dictionary<string, byte[]>(StringComparer.Ordinal)),
        ("gc_grace_seconds", 864000),
        ("max_index_interval", 2048),
        ("memtable_flush_period_in_ms", 0),
        ("min_index_interval", 128),
        ("read_repair", "BLOCKING"),
        ("speculative_retry", "99p"),
    ];

    /// <summary>An option's value as CQL: <c>'99p'</c>, <c>0.01</c>, <c>1.0</c>, <c>false</c>, <c>{'keys': 'ALL'}</c>.</summary>
    public static string ToCql(object value) => value switch
    {
        string text => CqlNames.Literal(text),
        bool flag => flag ? "true" : "false",
        double number when number == Math.Floor(number) => number.ToString("0.0", CultureInfo.InvariantCulture),
        double number => number.ToString("R", CultureInfo.InvariantCulture),
        int number => number.ToString(CultureInfo.InvariantCulture),
        IDictionary map => "{" + string.Join(", ", map.Keys.Cast<string>().Order(StringComparer.Ordinal)
            .Select(k => $"{CqlNames.Literal(k)}: {CqlNames.Literal(map[k] as string ?? string.Empty)}")) + "}",
        _ => throw new ArgumentException($"No CQL form for a table option of type {value.GetType().Name}", nameof(value)),
    };

    private static SortedDictionary<string, string> Map(params (string Key, string Value)[] entries)
    {
        var map = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in entries)
        {
            map[key] = value;
        }

        return map;
    }
}
