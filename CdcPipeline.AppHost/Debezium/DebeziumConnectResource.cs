using Aspire.Hosting.ApplicationModel;

namespace CdcPipeline.AppHost.Debezium;

/// <summary>A Kafka Connect worker with the Debezium connectors (<c>quay.io/debezium/connect</c>).</summary>
internal sealed class DebeziumConnectResource(string name) : ContainerResource(name)
{
    public const string HttpEndpointName = "http";
    public const int RestPort = 8083;

    /// <summary>
    /// Kafka Connect's readiness endpoint (KIP-1017, Kafka 3.9+; <c>RootResource</c>): 503 until the worker has
    /// joined its group and read its config topic, 200 once it takes requests, 500 when it stops answering. The REST
    /// server itself (<c>/</c>) answers before the worker is ready.
    /// </summary>
    public const string HealthPath = "/health";

    public const string GroupId = "debezium-cluster";
    public const string ConfigStorageTopic = "connect-configs";
    public const string OffsetStorageTopic = "connect-offsets";
    public const string StatusStorageTopic = "connect-status";

    /// <summary>Worker environment variables the connector configuration reads through <c>${env:...}</c>.</summary>
    public const string DatabaseUserVariable = "CDC_DB_USER";
    public const string DatabasePasswordVariable = "CDC_DB_PASSWORD";

    private EndpointReference? _httpEndpoint;

    /// <summary>The REST API as the host (the AppHost) reaches it.</summary>
    public EndpointReference HttpEndpoint => _httpEndpoint ??= new(this, HttpEndpointName);

    /// <summary>The REST API as other containers (Kafka UI) reach it.</summary>
    public string InternalUrl => $"http://{Name}:{RestPort}";
}
