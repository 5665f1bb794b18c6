using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using CdcPipeline.AppHost.Kafka;
using Microsoft.Extensions.DependencyInjection;

namespace CdcPipeline.Tests.AppHost;

public sealed class KafkaClusterModelTests
{
    private static readonly string[] s_brokers = ["kafka-1", "kafka-2", "kafka-3"];

    [Fact]
    public async Task Three_brokers_form_one_KRaft_quorum()
    {
        await using var model = await AppHostModel.CreateAsync();

        var properties = new List<IReadOnlyDictionary<string, string>>();
        foreach (var broker in s_brokers)
        {
            properties.Add(await PropertiesAsync(model, broker));
            Assert.Equal(KafkaClusterBuilderExtensions.DefaultClusterId, (await model.EnvironmentAsync(broker))["CLUSTER_ID"]);
        }

        Assert.Equal(s_brokers.Length, properties.Select(e => e["node.id"]).Distinct().Count());
        Assert.All(properties, e => Assert.Equal("broker,controller", e["process.roles"]));
        // Static voters only: the dynamic quorum's bootstrap setting would let a node format itself a quorum of its own.
        Assert.All(properties, e => Assert.DoesNotContain("controller.quorum.bootstrap.servers", e.Keys));

        var voters = Assert.Single(properties.Select(e => e["controller.quorum.voters"]).Distinct());
        var voterEntries = voters.Split(',');
        Assert.Equal(
            properties.Select(e => $"{e["node.id"]}@").Order(),
            voterEntries.Select(v => v[..(v.IndexOf('@') + 1)]).Order());
        foreach (var (broker, broke) in s_brokers.Zip(properties))
        {
            // Each broker is a voter at its own controller listener, which its listeners declare.
            Assert.Contains($"{broke["node.id"]}@{broker}:9093", voterEntries);
            Assert.Contains("CONTROLLER://:9093", broke["listeners"], StringComparison.Ordinal);
            Assert.Equal("CONTROLLER", broke["controller.listener.names"]);
        }
    }

    [Fact]
    public async Task Internal_topics_are_replicated_three_times_with_min_isr_two()
    {
        await using var model = await AppHostModel.CreateAsync();

        foreach (var broker in s_brokers)
        {
            var properties = await PropertiesAsync(model, broker);
            Assert.Equal("3", properties["default.replication.factor"]);
            Assert.Equal("3", properties["offsets.topic.replication.factor"]);
            Assert.Equal("3", properties["transaction.state.log.replication.factor"]);
            Assert.Equal("2", properties["transaction.state.log.min.isr"]);
            Assert.Equal("2", properties["min.insync.replicas"]);
        }
    }

    [Fact]
    public async Task Broker_data_lives_on_a_persistent_volume_at_the_log_dir_Kafka_uses()
    {
        await using var model = await AppHostModel.CreateAsync();

        var volumeNames = new HashSet<string>();
        foreach (var broker in s_brokers)
        {
            var properties = await PropertiesAsync(model, broker);
            var volume = Assert.Single(model.Resource(broker).Annotations.OfType<ContainerMountAnnotation>());
            Assert.Equal(ContainerMountType.Volume, volume.Type);
            Assert.False(volume.IsReadOnly);
            Assert.Equal(properties["log.dirs"], volume.Target);
            Assert.True(volumeNames.Add(volume.Source!), $"{broker} shares its volume with another broker");
        }
    }

    [Fact]
    public async Task Each_broker_advertises_its_host_port_to_services_and_its_name_to_containers()
    {
        await using var model = await AppHostModel.CreateAsync();

        foreach (var broker in s_brokers)
        {
            var properties = await PropertiesAsync(model, broker);
            var advertised = properties["advertised.listeners"].Split(',');
            Assert.Contains($"INTERNAL://{broker}:9092", advertised);
            Assert.Contains($"HOST://{{{broker}.bindings.tcp.host}}:{{{broker}.bindings.tcp.port}}", advertised);
            Assert.Equal("INTERNAL", properties["inter.broker.listener.name"]);
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
            var properties = await PropertiesAsync(model, broker.Name, DistributedApplicationOperation.Run);
            var advertised = properties["advertised.listeners"].Split(',');

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

    [Fact]
    public async Task Only_the_host_listener_is_published_to_the_host()
    {
        await using var model = await AppHostModel.CreateAsync();

        foreach (var broker in s_brokers)
        {
            // DCP publishes every endpoint of a container on the host: the internal (9092) and controller (9093)
            // listeners have none, and containers reach them by the broker's name on the container network.
            var endpoint = Assert.Single(model.Resource(broker).Annotations.OfType<EndpointAnnotation>());
            Assert.Equal(KafkaBrokerResource.HostEndpointName, endpoint.Name);
            Assert.Equal(9094, endpoint.TargetPort);
            var properties = await PropertiesAsync(model, broker);
            Assert.Contains("INTERNAL://:9092", properties["listeners"], StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Each_broker_formats_its_storage_with_the_static_voters_then_starts_kafka()
    {
        await using var model = await AppHostModel.CreateAsync();

        foreach (var broker in s_brokers)
        {
            var resource = model.Resource<KafkaBrokerResource>(broker);
            var arguments = await model.ArgumentsAsync(broker);

            Assert.Equal("/bin/sh", resource.Entrypoint);
            Assert.Equal("-c", arguments[0]);
            var script = arguments[1];
            Assert.Contains("/opt/kafka/bin/kafka-storage.sh format --cluster-id \"${CLUSTER_ID}\" --config \"$config\" --ignore-formatted", script, StringComparison.Ordinal);
            Assert.Contains("exec /opt/kafka/bin/kafka-server-start.sh \"$config\"", script, StringComparison.Ordinal);
            Assert.DoesNotContain("--standalone ", script, StringComparison.Ordinal);
            Assert.DoesNotContain("--initial-controllers", script, StringComparison.Ordinal);
            Assert.True(
                script.IndexOf("kafka-storage.sh format", StringComparison.Ordinal) < script.IndexOf("kafka-server-start.sh", StringComparison.Ordinal),
                "the storage is formatted after the broker starts");
        }
    }

    [Fact]
    public async Task Each_broker_says_in_its_log_what_it_is_before_its_container_starts()
    {
        await using var model = await AppHostModel.CreateAsync();
        await using var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection()
            .AddSingleton<ResourceLoggerService>()
            .BuildServiceProvider();
        var logs = services.GetRequiredService<ResourceLoggerService>();
        var broker = model.Resource<KafkaBrokerResource>("kafka-2");

        await model.Eventing.PublishAsync(new BeforeResourceStartedEvent(broker, services), TestContext.Current.CancellationToken);

        var lines = await logs.WatchAsync(broker).FirstAsync(TestContext.Current.CancellationToken);
        var line = Assert.Single(lines).Content;
        Assert.Contains("KRaft node 2 of cluster Y2RjLXBpcGVsaW5lLWtyYQ, static voters 1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093", line, StringComparison.Ordinal);
        Assert.Contains("apache/kafka:4.1.0", line, StringComparison.Ordinal);
    }

    // The broker's server.properties: its container arguments after "-c <script> <$0>", one key=value each.
    private static async Task<IReadOnlyDictionary<string, string>> PropertiesAsync(
        AppHostModel model,
        string broker,
        DistributedApplicationOperation operation = DistributedApplicationOperation.Publish)
    {
        var arguments = await model.ArgumentsAsync(broker, operation);
        Assert.Equal(KafkaBrokerStartup.ArgumentsBeforeProperties(), arguments.Take(3));
        return arguments.Skip(3).Select(a => a.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
    }
}
