using System.Globalization;
using CdcPipeline.AppHost.Debezium;

namespace CdcPipeline.AppHost.Capture;

/// <summary>
/// What the change capture does, read from the Debezium connector definition (<c>Debezium/cdc-connector.json</c>):
/// Debezium and the built-in <c>CdcPipeline.Capture</c> take every setting they share from that one file, so the two
/// capture modes write the same topics the same way and cannot drift apart.
/// </summary>
internal sealed record CaptureSettings(
    string TopicPrefix,
    string SlotName,
    string PublicationName,
    IReadOnlyList<string> Tables,
    bool SchemasEnable,
    TimeSpan HeartbeatInterval,
    int TopicPartitions,
    int TopicReplicationFactor,
    string HeartbeatTopic)
{
    /// <summary>Where the built-in capture keeps its position (Debezium keeps its in Connect's <c>connect-offsets</c>).</summary>
    public const string OffsetsTopic = "cdc-capture-offsets";

    /// <summary>Debezium's default <c>topic.heartbeat.prefix</c>.</summary>
    public const string DefaultHeartbeatTopicPrefix = "__debezium-heartbeat";

    /// <summary>The change topics, <c>{prefix}.{schema}.{table}</c>: <c>cdc.public.users</c>, <c>cdc.public.orders</c>.</summary>
    public IEnumerable<string> ChangeTopics => Tables.Select(table => $"{TopicPrefix}.{table}");

    /// <summary>The settings of section <c>Capture</c> of <c>CdcPipeline.Capture</c>, as environment variables.</summary>
    public IReadOnlyDictionary<string, string> EnvironmentVariables => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["Capture__TopicPrefix"] = TopicPrefix,
        ["Capture__SlotName"] = SlotName,
        ["Capture__PublicationName"] = PublicationName,
        ["Capture__Tables"] = string.Join(',', Tables),
        ["Capture__SchemasEnable"] = SchemasEnable ? "true" : "false",
        ["Capture__HeartbeatInterval"] = HeartbeatInterval.ToString("c", CultureInfo.InvariantCulture),
        ["Capture__OffsetsTopic"] = OffsetsTopic,
        ["Capture__TopicPartitions"] = TopicPartitions.ToString(CultureInfo.InvariantCulture),
        ["Capture__TopicReplicationFactor"] = TopicReplicationFactor.ToString(CultureInfo.InvariantCulture),
    };

    public static CaptureSettings FromConnector(ConnectorDefinition connector)
    {
        ArgumentNullException.ThrowIfNull(connector);

        var prefix = connector.TopicPrefix;
        var heartbeatPrefix = connector.Config.TryGetValue("topic.heartbeat.prefix", out var configured) ? configured : DefaultHeartbeatTopicPrefix;
        return new CaptureSettings(
            prefix,
            connector.Setting("slot.name"),
            connector.Setting("publication.name"),
            [.. connector.Setting("table.include.list").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)],
            bool.Parse(connector.Setting("value.converter.schemas.enable")),
            TimeSpan.FromMilliseconds(long.Parse(connector.Setting("heartbeat.interval.ms"), CultureInfo.InvariantCulture)),
            int.Parse(connector.Setting("topic.creation.default.partitions"), CultureInfo.InvariantCulture),
            int.Parse(connector.Setting("topic.creation.default.replication.factor"), CultureInfo.InvariantCulture),
            $"{heartbeatPrefix}.{prefix}");
    }
}
