using System.Text;

namespace CdcPipeline.Capture.Records;

/// <summary>
/// Debezium's default topic naming (SchemaTopicNamingStrategy): <c>{prefix}.{schema}.{table}</c> for changes and
/// <c>__debezium-heartbeat.{prefix}</c> for heartbeats, every character outside <c>[A-Za-z0-9._-]</c> replaced by
/// <c>_</c>, at most 249 characters.
/// </summary>
internal static class TopicNames
{
    private const int MaxLength = 249;

    public static string DataChange(string prefix, string schema, string table) => Sanitize($"{prefix}.{schema}.{table}");

    public static string Heartbeat(string prefix) => Sanitize($"__debezium-heartbeat.{prefix}");

    public static string Sanitize(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            builder.Append(c is '.' or '_' or '-' || char.IsAsciiLetterOrDigit(c) ? c : '_');
        }

        return builder.Length > MaxLength ? builder.ToString(0, MaxLength) : builder.ToString();
    }
}
