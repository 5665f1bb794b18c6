using Aspire.Hosting.ApplicationModel;

namespace CdcPipeline.AppHost.Cassandra;

/// <summary>An Apache Cassandra node. Its connection string is <c>Contact Points=host;Port=port</c>.</summary>
internal sealed class CassandraResource(string name) : ContainerResource(name), IResourceWithConnectionString
{
    public const string PrimaryEndpointName = "tcp";
    public const int NativeTransportPort = 9042;
    public const string DataDirectory = "/var/lib/cassandra";

    public const string ClusterName = "CDC_Cluster";
    public const string DataCenter = "dc1";
    public const string Rack = "rack1";

    private EndpointReference? _primaryEndpoint;

    /// <summary>The CQL native transport as host processes reach it.</summary>
    public EndpointReference PrimaryEndpoint => _primaryEndpoint ??= new(this, PrimaryEndpointName);

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Contact Points={PrimaryEndpoint.Property(EndpointProperty.Host)};Port={PrimaryEndpoint.Property(EndpointProperty.Port)}");
}
