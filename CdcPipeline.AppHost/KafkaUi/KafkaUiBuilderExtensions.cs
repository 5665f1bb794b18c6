using Aspire.Hosting.ApplicationModel;
using CdcPipeline.AppHost.Debezium;
using CdcPipeline.AppHost.Kafka;

namespace CdcPipeline.AppHost.KafkaUi;

internal static class KafkaUiBuilderExtensions
{
    public const int HttpPort = 8080;

    /// <summary>Kafka UI's JVM heap (<c>JAVA_OPTS</c>, which the image's command passes to <c>java</c>); unset, the JVM takes a quarter of the container's memory.</summary>
    public const string JavaOptions = "-Xms128m -Xmx384m";

    /// <summary>
    /// Adds Kafka UI showing <paramref name="kafka"/> as one cluster (all of its brokers) with the Kafka Connect
    /// cluster <paramref name="connect"/>, when there is one (the built-in capture needs none). It starts once Kafka is
    /// healthy and, with Connect, once Connect is (its Connect pages fail until then).
    /// </summary>
    public static IResourceBuilder<ContainerResource> AddKafkaUi(
        this IDistributedApplicationBuilder builder,
        [ResourceName] string name,
        IResourceBuilder<KafkaClusterResource> kafka,
        IResourceBuilder<DebeziumConnectResource>? connect)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(kafka);

        var kafkaUi = builder.AddContainer(name, ContainerImageTags.KafkaUiImage, ContainerImageTags.KafkaUiTag)
            .WithImageRegistry(ContainerImageTags.DockerHubRegistry)
            .WithHttpEndpoint(targetPort: HttpPort, name: "http")
            .WithEnvironment(context =>
            {
                var env = context.EnvironmentVariables;
                env["KAFKA_CLUSTERS_0_NAME"] = kafka.Resource.Name;
                env["KAFKA_CLUSTERS_0_BOOTSTRAPSERVERS"] = kafka.Resource.InternalBootstrapServers;
                if (connect is not null)
                {
                    env["KAFKA_CLUSTERS_0_KAFKACONNECT_0_NAME"] = connect.Resource.Name;
                    env["KAFKA_CLUSTERS_0_KAFKACONNECT_0_ADDRESS"] = connect.Resource.InternalUrl;
                }
            })
            .WithEnvironment("JAVA_OPTS", JavaOptions)
            .WithHttpHealthCheck("/actuator/health", endpointName: "http")
            .WaitFor(kafka);

        return connect is null ? kafkaUi : kafkaUi.WaitFor(connect);
    }
}
