using Aspire.Hosting.ApplicationModel;

namespace CdcPipeline.AppHost.Debezium;

/// <summary>
/// A connector registered on a <see cref="DebeziumConnectResource"/>. It has no process of its own: its
/// dashboard state is the connector's state as the worker reports it (RUNNING, FAILED, ...).
/// </summary>
public sealed class DebeziumConnectorResource(ConnectorDefinition definition, DebeziumConnectResource connect)
    : Resource(definition.Name)
{
    public const string ResourceType = "DebeziumConnector";
    public const string RestartCommandName = "restart-connector";

    public ConnectorDefinition Definition { get; } = definition;

    public DebeziumConnectResource Connect { get; } = connect;
}
