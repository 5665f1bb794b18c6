using CdcPipeline.Capture.Json;

namespace CdcPipeline.Capture.Heartbeats;

/// <summary>
/// Debezium's heartbeat record: key struct <c>io.debezium.connector.common.ServerNameKey</c> (v1) with
/// <c>serverName</c> = the topic prefix, value struct <c>io.debezium.connector.common.Heartbeat</c> (v1) with
/// <c>ts_ms</c> = now; with or without the JsonConverter's schemas.
/// </summary>
internal sealed class HeartbeatRecords
{
    private readonly bool _schemasEnable;

    public HeartbeatRecords(string topicPrefix, bool schemasEnable)
    {
        _schemasEnable = schemasEnable;
        using var json = new JsonBuffer(512);
        if (schemasEnable)
        {
            json.WriteRaw("""{"schema":{"type":"struct","fields":[{"type":"string","optional":false,"field":"serverName"}],"optional":false,"name":"io.debezium.connector.common.ServerNameKey","version":1},"payload":"""u8);
        }

        json.WriteRaw("{\"serverName\":"u8);
        json.WriteString(topicPrefix);
        json.WriteByte((byte)'}');
        if (schemasEnable)
        {
            json.WriteByte((byte)'}');
        }

        Key = json.ToArray();
    }

    public byte[] Key { get; }

    public byte[] Value(long epochMillis)
    {
        using var json = new JsonBuffer(512);
        if (_schemasEnable)
        {
            json.WriteRaw("""{"schema":{"type":"struct","fields":[{"type":"int64","optional":false,"field":"ts_ms"}],"optional":false,"name":"io.debezium.connector.common.Heartbeat","version":1},"payload":"""u8);
        }

        json.WriteRaw("{\"ts_ms\":"u8);
        json.WriteInt64(epochMillis);
        json.WriteByte((byte)'}');
        if (_schemasEnable)
        {
            json.WriteByte((byte)'}');
        }

        return json.ToArray();
    }
}
