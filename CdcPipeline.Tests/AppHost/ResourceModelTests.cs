using System.Text.RegularExpressions;
using Aspire.Hosting.ApplicationModel;

namespace CdcPipeline.Tests.AppHost;

public sealed partial class ResourceModelTests
{
    [Fact]
    public async Task AppHost_has_every_resource_of_the_pipeline_under_its_interface_name()
    {
        await using var model = await AppHostModel.CreateAsync();

        string[] expected =
        [
            "kafka", "kafka-1", "kafka-2", "kafka-3", "postgres", "cdcdb", "debezium", "cdc-connector",
            "cassandra", "kafka-ui", "producer", "consumer", "cassandra-sink",
        ];

        Assert.All(expected, name => model.Resource(name));
        Assert.IsAssignableFrom<IResourceWithConnectionString>(model.Resource("kafka"));
        Assert.IsAssignableFrom<IResourceWithConnectionString>(model.Resource("cassandra"));
    }

    [Fact]
    public async Task Every_container_image_is_pinned_to_a_version()
    {
        await using var model = await AppHostModel.CreateAsync();

        var containers = model.Resources.Where(r => r.TryGetLastAnnotation<ContainerImageAnnotation>(out _)).ToArray();

        Assert.Equal(7, containers.Length); // kafka-1..3, postgres, debezium, cassandra, kafka-ui
        Assert.All(containers, container =>
        {
            var image = container.Annotations.OfType<ContainerImageAnnotation>().Last();
            Assert.False(string.IsNullOrWhiteSpace(image.Tag), $"{container.Name}: no tag");
            Assert.NotEqual("latest", image.Tag, StringComparer.OrdinalIgnoreCase);
            Assert.Null(image.SHA256);
            Assert.Matches(VersionTag(), image.Tag!);
        });
    }

    [Fact]
    public async Task Cassandra_connection_string_names_contact_points_and_port_of_the_host_endpoint()
    {
        await using var model = await AppHostModel.CreateAsync();

        var cassandra = model.Resource<IResourceWithConnectionString>("cassandra");
        var env = await model.EnvironmentAsync("cassandra");

        Assert.Equal("Contact Points={cassandra.bindings.tcp.host};Port={cassandra.bindings.tcp.port}", cassandra.ConnectionStringExpression.ValueExpression);
        Assert.Equal("CDC_Cluster", env["CASSANDRA_CLUSTER_NAME"]);
        Assert.Equal("dc1", env["CASSANDRA_DC"]);
        Assert.Equal("rack1", env["CASSANDRA_RACK"]);
        var volume = Assert.Single(model.Resource("cassandra").Annotations.OfType<ContainerMountAnnotation>());
        Assert.Equal("/var/lib/cassandra", volume.Target);
        Assert.True(model.Resource("cassandra").TryGetAnnotationsOfType<HealthCheckAnnotation>(out _));
    }

    [Fact]
    public async Task Kafka_ui_shows_one_cluster_of_three_brokers_and_the_connect_cluster()
    {
        await using var model = await AppHostModel.CreateAsync();

        var env = await model.EnvironmentAsync("kafka-ui");

        Assert.Equal("kafka-1:9092,kafka-2:9092,kafka-3:9092", env["KAFKA_CLUSTERS_0_BOOTSTRAPSERVERS"]);
        Assert.Equal("http://debezium:8083", env["KAFKA_CLUSTERS_0_KAFKACONNECT_0_ADDRESS"]);
        Assert.DoesNotContain(env.Keys, k => k.StartsWith("KAFKA_CLUSTERS_1_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Debezium_worker_stores_its_state_in_kafka_with_replication_factor_three()
    {
        await using var model = await AppHostModel.CreateAsync();

        var env = await model.EnvironmentAsync("debezium");

        Assert.Equal("kafka-1:9092,kafka-2:9092,kafka-3:9092", env["BOOTSTRAP_SERVERS"]);
        Assert.Equal("debezium-cluster", env["GROUP_ID"]);
        Assert.Equal("connect-configs", env["CONFIG_STORAGE_TOPIC"]);
        Assert.Equal("connect-offsets", env["OFFSET_STORAGE_TOPIC"]);
        Assert.Equal("connect-status", env["STATUS_STORAGE_TOPIC"]);
        Assert.Equal("3", env["CONNECT_CONFIG_STORAGE_REPLICATION_FACTOR"]);
        Assert.Equal("3", env["CONNECT_OFFSET_STORAGE_REPLICATION_FACTOR"]);
        Assert.Equal("3", env["CONNECT_STATUS_STORAGE_REPLICATION_FACTOR"]);
        Assert.Equal("true", env["CONNECT_TOPIC_CREATION_ENABLE"]);
        Assert.Equal(["cdcdb", "kafka"], WaitsFor(model.Resource("debezium")));
    }

    [Fact]
    public async Task Debezium_is_healthy_when_connects_readiness_endpoint_answers_200()
    {
        await using var model = await AppHostModel.CreateAsync();

        var check = Assert.Single(model.Resource("debezium").Annotations.OfType<HealthCheckAnnotation>());

        // Aspire's key of WithHttpHealthCheck: {resource}_{endpoint}_{path}_{expected status}_check.
        Assert.Equal("debezium_http_/health_200_check", check.Key);
    }

    [Fact]
    public async Task Connector_is_related_to_its_worker_without_being_its_child()
    {
        await using var model = await AppHostModel.CreateAsync();

        var relationships = model.Resource("cdc-connector").Annotations.OfType<ResourceRelationshipAnnotation>().ToArray();

        // A child without a lifetime of its own gets every state of its container parent copied onto it.
        Assert.DoesNotContain(relationships, r => r.Type == "Parent");
        Assert.Contains(relationships, r => r.Type == "Worker" && r.Resource.Name == "debezium");
        Assert.IsNotAssignableFrom<IResourceWithParent>(model.Resource("cdc-connector"));
    }

    [Fact]
    public async Task Kafka_ui_waits_for_kafka_and_connect_and_has_a_bounded_heap()
    {
        await using var model = await AppHostModel.CreateAsync();

        var env = await model.EnvironmentAsync("kafka-ui");

        Assert.Equal(["debezium", "kafka"], WaitsFor(model.Resource("kafka-ui")));
        Assert.Matches(@"-Xmx\d+m", env["JAVA_OPTS"]);
    }

    [Fact]
    public async Task Debezium_worker_advertises_its_resource_name_through_the_variable_its_image_reads()
    {
        await using var model = await AppHostModel.CreateAsync();

        var env = await model.EnvironmentAsync("debezium");

        // The image's entrypoint exports CONNECT_REST_ADVERTISED_HOST_NAME=$ADVERTISED_HOST_NAME (its own IP
        // when unset), overwriting any value given for the former.
        Assert.Equal("debezium", env["ADVERTISED_HOST_NAME"]);
        Assert.DoesNotContain("CONNECT_REST_ADVERTISED_HOST_NAME", env.Keys);
    }

    [Theory]
    [InlineData("producer", new[] { "kafka" })]
    [InlineData("consumer", new[] { "cdcdb", "kafka" })]
    [InlineData("cassandra-sink", new[] { "cassandra", "kafka" })]
    public async Task Service_references_and_waits_for_exactly_what_it_uses(string service, string[] dependencies)
    {
        await using var model = await AppHostModel.CreateAsync();

        var env = await model.EnvironmentAsync(service);
        var connectionStrings = env.Keys
            .Where(k => k.StartsWith("ConnectionStrings__", StringComparison.Ordinal))
            .Select(k => k["ConnectionStrings__".Length..])
            .Order();

        Assert.Equal(dependencies, connectionStrings);
        Assert.Equal(dependencies, WaitsFor(model.Resource(service)));
        Assert.All(dependencies, d => Assert.Equal($"{{{d}.connectionString}}", env[$"ConnectionStrings__{d}"]));
    }

    [Fact]
    public async Task Producer_runs_continuously_by_default()
    {
        await using var model = await AppHostModel.CreateAsync();

        var env = await model.EnvironmentAsync("producer");

        Assert.Equal("continuous", env["Producer__Mode"]);
    }

    // What the resource waits for, without the servers Aspire adds when it waits for one of their databases.
    private static string[] WaitsFor(IResource resource)
    {
        var waited = resource.Annotations.OfType<WaitAnnotation>().Select(w => w.Resource).Distinct().ToArray();
        var parents = waited.OfType<IResourceWithParent>().Select(r => r.Parent).ToHashSet();
        return [.. waited.Where(r => !parents.Contains(r)).Select(r => r.Name).Order()];
    }

    // 4.1.0, 17.6, 3.6.1.Final, v1.5.0: a full version, not a major-only or floating tag.
    [GeneratedRegex(@"^v?\d+\.\d+(\.\d+)?(\.Final)?$")]
    private static partial Regex VersionTag();
}
