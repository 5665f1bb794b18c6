using System.Text;
using CdcPipeline.Capture.Records;
using Confluent.Kafka;

namespace CdcPipeline.Capture.Publishing;

/// <summary>
/// The four context headers Debezium adds to every data record, tombstone and truncate (extended.headers.enabled):
/// logical name, task id, connector name and a run id (a UUIDv7 per start), as plain UTF-8 text
/// (SimpleHeaderConverter). Heartbeats carry none.
/// </summary>
internal sealed class DebeziumHeaders
{
    public const string ConnectorLogicalName = "__debezium.context.connectorLogicalName";
    public const string TaskId = "__debezium.context.taskId";
    public const string ConnectorName = "__debezium.context.connectorName";
    public const string RunId = "__debezium.context.runId";

    private readonly byte[] _logicalName;
    private readonly byte[] _taskId = Encoding.UTF8.GetBytes(DebeziumConstants.TaskId);
    private readonly byte[] _connectorName = Encoding.UTF8.GetBytes(DebeziumConstants.ConnectorName);
    private readonly byte[] _runId;

    public DebeziumHeaders(string topicPrefix, Guid runId)
    {
        _logicalName = Encoding.UTF8.GetBytes(topicPrefix);
        RunIdText = runId.ToString("D");
        _runId = Encoding.UTF8.GetBytes(RunIdText);
    }

    public string RunIdText { get; }

    /// <summary>A new header list (the producer may add trace context to it), sharing the value arrays.</summary>
    public Headers Create() => new()
    {
        { ConnectorLogicalName, _logicalName },
        { TaskId, _taskId },
        { ConnectorName, _connectorName },
        { RunId, _runId },
    };
}
