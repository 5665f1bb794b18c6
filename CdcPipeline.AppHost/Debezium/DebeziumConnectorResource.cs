using Aspire.Hosting.ApplicationModel;

namespace CdcPipeline.AppHost.Debezium;

/// <summary>
/// A connector registered on a <see cref="DebeziumConnectResource"/>. It has no process of its own: its
/// dashboard state is the connector's state as the worker reports it (RUNNING, FAILED, ...).
/// </summary>
internal sealed class DebeziumConnectorResource(ConnectorDefinition definition, DebeziumConnectResource connect)
    : Resource(definition.Name)
{
    public const string ResourceType = "DebeziumConnector";
    public const string RestartCommandName = "restart-connector";

    /// <summary>The dashboard relationship from the connector to the worker it runs on.</summary>
    public const string WorkerRelationship = "Worker";

    public ConnectorDefinition Definition { get; } = definition;

    public DebeziumConnectResource Connect { get; } = connect;
}
