using System.Text;
using System.Text.RegularExpressions;
using CdcPipeline.Tests.Infrastructure.Kafka;

namespace CdcPipeline.Tests.Capture;

/// <summary>One expected record of a golden file: topic, exact key and value text (or null), the four Debezium headers.</summary>
internal sealed record GoldenRecord(string Topic, string? Key, string? Value, IReadOnlyList<KeyValuePair<string, string>> Headers);

/// <summary>
/// Reads the golden files of <c>Golden/</c> and masks what no golden file can know in advance — source positions
/// (<c>lsn</c>, <c>txId</c>, <c>sequence</c>), clock values (<c>ts_ms/us/ns</c>) and the test database's name —
/// identically on both sides, so the rest compares byte for byte.
/// </summary>
internal static partial class GoldenRecords
{
    public const string RunIdPlaceholder = "<run-id>";

    public static IReadOnlyList<GoldenRecord> Read(string fileName)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Capture", "Golden", fileName);
        var records = new List<GoldenRecord>();
        string? topic = null, key = null, value = null;
        foreach (var line in File.ReadAllLines(path, Encoding.UTF8))
        {
            if (line.StartsWith('#') || line.Length == 0)
            {
                continue;
            }

            var colon = line.IndexOf(": ", StringComparison.Ordinal);
            var (field, text) = (line[..colon], line[(colon + 2)..]);
            switch (field)
            {
                case "topic":
                    topic = text;
                    break;
                case "key":
                    key = text == "<null>" ? null : text;
                    break;
                case "value":
                    value = text == "<null>" ? null : text;
                    break;
                case "headers":
                    var headers = text.Split(" | ")
                        .Select(h => h.Split('=', 2))
                        .Select(h => new KeyValuePair<string, string>(h[0], h[1]))
                        .ToArray();
                    records.Add(new GoldenRecord(topic!, key, value, headers));
                    break;
            }
        }

        return records;
    }

    /// <summary>The value with positions, clocks and the database name replaced by fixed placeholders.</summary>
    public static string? Mask(string? value) =>
        value is null
            ? null
            : Database().Replace(Sequence().Replace(Positions().Replace(value, "\"$1\":0"), "\"sequence\":\"[…]\""), "\"db\":\"cdc_db\"");

    public static string Describe(KafkaRecord record) =>
        $"{record.Topic}[{record.Partition}]@{record.Offset} key={record.KeyString ?? "<null>"}";

    [GeneratedRegex("\"(ts_ms|ts_us|ts_ns|txId|lsn)\":-?[0-9]+")]
    private static partial Regex Positions();

    [GeneratedRegex("\"sequence\":\"\\[(?:null|\\\\\"[0-9]+\\\\\"),\\\\\"[0-9]+\\\\\"\\]\"")]
    private static partial Regex Sequence();

    [GeneratedRegex("\"db\":\"[^\"]*\"")]
    private static partial Regex Database();
}
