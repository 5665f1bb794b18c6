using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using CdcPipeline.AppHost.Kafka;

namespace CdcPipeline.Tests.AppHost;

public sealed class KafkaClusterModelTests
{
    private static readonly string[] s_brokers = ["kafka-1", "kafka-2", "kafka-3"];

    [Fact]
    public async Task Three_brokers_form_one_KRaft_quorum()
    {
        await using var model = await AppHostModel.CreateAsync();

        var environments = new List<IReadOnlyDictionary<string, string>>();
        foreach (var broker in s_brokers)
        {
            environments.Add(await model.EnvironmentAsync(broker));
        }

        Assert.Single(environments.Select(e => e["CLUSTER_ID"]).Distinct());
        Assert.Equal(s_brokers.Length, environments.Select(e => e["KAFKA_NODE_ID"]).Distinct().Count());
        Assert.All(environments, e => Assert.Equal("broker,controller", e["KAFKA_PROCESS_ROLES"]));

        var voters = Assert.Single(environments.Select(e => e["KAFKA_CONTROLLER_QUORUM_VOTERS"]).Distinct());
        var voterEntries = voters.Split(',');
        Assert.Equal(
            environments.Select(e => $"{e["KAFKA_NODE_ID"]}@").Order(),
            voterEntries.Select(v => v[..(v.IndexOf('@') + 1)]).Order());
        foreach (var (broker, environment) in s_brokers.Zip(environments))
        {
            // Each broker is a voter at its own controller listener, which its listeners declare.
            Assert.Contains($"{environment["KAFKA_NODE_ID"]}@{broker}:9093", voterEntries);
            Assert.Contains("CONTROLLER://:9093", environment["KAFKA_LISTENERS"], StringComparison.Ordinal);
            Assert.Equal("CONTROLLER", environment["KAFKA_CONTROLLER_LISTENER_NAMES"]);
        }
    }

    [Fact]
    public async Task Internal_topics_are_replicated_three_times_with_min_isr_two()
    {
        await using var model = await AppHostModel.CreateAsync();

        foreach (var broker in s_brokers)
        {
            var env = await model.EnvironmentAsync(broker);
            Assert.Equal("3", env["KAFKA_DEFAULT_REPLICATION_FACTOR"]);
            Assert.Equal("3", env["KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"]);
            Assert.Equal("3", env["KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR"]);
            Assert.Equal("2", env["KAFKA_TRANSACTION_STATE_LOG_MIN_ISR"]);
            Assert.Equal("2", env["KAFKA_MIN_INSYNC_REPLICAS"]);
        }
    }

    [Fact]
    public async Task Broker_data_lives_on_a_persistent_volume_at_the_log_dir_Kafka_uses()
    {
        await using var model = await AppHostModel.CreateAsync();

        var volumeNames = new HashSet<string>();
        foreach (var broker in s_brokers)
        {
            var env = await model.EnvironmentAsync(broker);
            var volume = Assert.Single(model.Resource(broker).Annotations.OfType<ContainerMountAnnotation>());
            Assert.Equal(ContainerMountType.Volume, volume.Type);
            Assert.False(volume.IsReadOnly);
            Assert.Equal(env["KAFKA_LOG_DIRS"], volume.Target);
            Assert.True(volumeNames.Add(volume.Source!), $"{broker} shares its volume with another broker");
        }
    }

    [Fact]
    public async Task Each_broker_advertises_its_host_port_to_services_and_its_name_to_containers()
    {
        await using var model = await AppHostModel.CreateAsync();

        foreach (var broker in s_brokers)
        {
            var env = await model.EnvironmentAsync(broker);
            var advertised = env["KAFKA_ADVERTISED_LISTENERS"].Split(',');
            Assert.Contains($"INTERNAL://{broker}:9092", advertised);
            Assert.Contains($"HOST://{{{broker}.bindings.tcp.host}}:{{{broker}.bindings.tcp.port}}", advertised);
            Assert.Equal("INTERNAL", env["KAFKA_INTER_BROKER_LISTENER_NAME"]);
        }
    }

    [Fact]
    public async Task In_run_mode_each_broker_advertises_exactly_its_entry_of_the_kafka_connection_string()
    {
        await using var model = await AppHostModel.CreateAsync();
        var cluster = model.Resource<KafkaClusterResource>("kafka");
        // What DCP allocates when it starts a container: a host port on localhost for host processes, and the
        // container's name with the target port on the container network for other containers.
        var hostPort = 47_101;
        foreach (var broker in cluster.Brokers)
        {
            var endpoint = broker.Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == KafkaBrokerResource.HostEndpointName);
            endpoint.AllAllocatedEndpoints.AddOrUpdateAllocatedEndpoint(
                KnownNetworkIdentifiers.LocalhostNetwork,
                new AllocatedEndpoint(endpoint, "localhost", hostPort++, EndpointBindingMode.SingleAddress, targetPortExpression: null, KnownNetworkIdentifiers.LocalhostNetwork));
            endpoint.AllAllocatedEndpoints.AddOrUpdateAllocatedEndpoint(
                KnownNetworkIdentifiers.DefaultAspireContainerNetwork,
                new AllocatedEndpoint(endpoint, broker.Name, KafkaBrokerResource.HostListenerPort, EndpointBindingMode.SingleAddress, targetPortExpression: null, KnownNetworkIdentifiers.DefaultAspireContainerNetwork));
        }

        var connectionString = await cluster.ConnectionStringExpression.GetValueAsync(TestContext.Current.CancellationToken);
        var bootstrap = connectionString!.Split(',');

        Assert.Equal(cluster.Brokers.Count, bootstrap.Length);
        foreach (var (broker, address) in cluster.Brokers.Zip(bootstrap))
        {
            var env = await model.EnvironmentAsync(broker.Name, DistributedApplicationOperation.Run);
            var advertised = env["KAFKA_ADVERTISED_LISTENERS"].Split(',');

            Assert.Equal($"HOST://{address}", Assert.Single(advertised, l => l.StartsWith("HOST://", StringComparison.Ordinal)));
            Assert.Contains($"INTERNAL://{broker.Name}:{KafkaBrokerResource.InternalListenerPort}", advertised);
        }
    }

    [Fact]
    public async Task Kafka_connection_string_lists_the_three_host_bootstrap_addresses()
    {
        await using var model = await AppHostModel.CreateAsync();

        var cluster = model.Resource<KafkaClusterResource>("kafka");

        Assert.Equal(
            "{kafka-1.bindings.tcp.host}:{kafka-1.bindings.tcp.port},{kafka-2.bindings.tcp.host}:{kafka-2.bindings.tcp.port},{kafka-3.bindings.tcp.host}:{kafka-3.bindings.tcp.port}",
            cluster.ConnectionStringExpression.ValueExpression);
        Assert.True(cluster.TryGetAnnotationsOfType<HealthCheckAnnotation>(out var checks));
        Assert.NotEmpty(checks);
    }
}
