using System.Data.Common;
using Aspire.Hosting.ApplicationModel;
using CdcPipeline.AppHost.Local.Cassandra;
using CdcPipeline.AppHost.Local.Kafka;
using CdcPipeline.AppHost.Local.Postgres;

namespace CdcPipeline.Tests.AppHost;

/// <summary>The local profile's model: stand-ins on this machine under the names the services know, nothing in a container.</summary>
public sealed class LocalProfileModelTests
{
    [Fact]
    public async Task Local_profile_has_the_stand_ins_the_capture_and_the_services_and_no_container()
    {
        await using var model = await AppHostModel.CreateLocalAsync();

        Assert.IsType<LocalPostgresServerResource>(model.Resource("postgres"), exactMatch: false);
        Assert.IsAssignableFrom<ExecutableResource>(model.Resource("postgres"));
        Assert.Same(model.Resource("postgres"), model.Resource<LocalPostgresDatabaseResource>("cdcdb").Parent);
        Assert.IsType<InMemoryKafkaResource>(model.Resource("kafka"));
        Assert.IsType<InMemoryCassandraResource>(model.Resource("cassandra"));
        Assert.All(["capture", "producer", "consumer", "cassandra-sink"], name => Assert.IsType<ProjectResource>(model.Resource(name)));
        Assert.Equal(
            ["capture", "cassandra", "cassandra-sink", "cdcdb", "consumer", "kafka", "postgres", "postgres-password", "producer"],
            // Without the rebuilders Aspire adds to projects for the dashboard's rebuild command.
            model.Resources.Where(r => r is not IResourceWithParent { Parent: ProjectResource }).Select(r => r.Name).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(model.Resources, r => r is ContainerResource);
    }

    [Theory]
    [InlineData("kafka", "Kafka (in-memory)")]
    [InlineData("cassandra", "Cassandra (in-memory)")]
    public async Task In_memory_stand_ins_say_they_are_not_durable_and_which_profile_put_them_there(string name, string resourceType)
    {
        await using var model = await AppHostModel.CreateLocalAsync();

        var snapshot = Assert.Single(model.Resource(name).Annotations.OfType<ResourceSnapshotAnnotation>()).InitialSnapshot;

        Assert.Equal(resourceType, snapshot.ResourceType);
        Assert.Contains(snapshot.Properties, p => p.DisplayName == "Durability" && p.IsHighlighted && ((string)p.Value!).StartsWith("in-memory, not durable", StringComparison.Ordinal));
        Assert.Contains(snapshot.Properties, p => p.DisplayName == "Profile" && ((string)p.Value!).StartsWith("local: CdcPipeline:Profile=local is set", StringComparison.Ordinal));
        Assert.Contains(snapshot.Properties, p => p.Name == CustomResourceKnownProperties.Source && ((string)p.Value!).Contains("not durable", StringComparison.Ordinal));
        Assert.True(model.Resource(name).TryGetAnnotationsOfType<HealthCheckAnnotation>(out _));
    }

    [Fact]
    public async Task Local_postgres_listens_on_loopback_with_logical_replication_on_a_port_aspire_allocates()
    {
        await using var model = await AppHostModel.CreateLocalAsync();
        var postgres = model.Resource<LocalPostgresServerResource>("postgres");

        var args = await model.ArgumentsAsync("postgres");
        var settings = args.Where((_, i) => i > 0 && args[i - 1] == "-c").ToArray();
        var endpoint = Assert.Single(postgres.Annotations.OfType<EndpointAnnotation>());

        Assert.Contains("listen_addresses=127.0.0.1", settings);
        Assert.Contains("wal_level=logical", settings);
        Assert.Contains("max_replication_slots=10", settings);
        Assert.Contains("max_wal_senders=10", settings);
        Assert.Contains($"unix_socket_directories={postgres.RootDirectory}", settings);
        Assert.Equal(["-D", postgres.DataDirectory, "-p", "{postgres.bindings.tcp.port}"], args.SkipWhile(a => a != "-D").Take(4));
        Assert.False(endpoint.IsProxied);
        Assert.Null(endpoint.Port);
        Assert.True(postgres.TryGetAnnotationsOfType<HealthCheckAnnotation>(out _));
        Assert.StartsWith(Path.GetTempPath(), postgres.RootDirectory, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cdcdb_has_the_connection_string_of_the_container_profile()
    {
        await using var local = await AppHostModel.CreateLocalAsync();
        await using var containers = await AppHostModel.CreateAsync();

        var localParts = ConnectionStringParts(local, "cdcdb");
        var containerParts = ConnectionStringParts(containers, "cdcdb");

        Assert.Equal(["database", "host", "password", "port", "username"], containerParts.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(containerParts.Keys.Order(StringComparer.Ordinal), localParts.Keys.Order(StringComparer.Ordinal));
        foreach (var key in new[] { "username", "password", "port", "database" })
        {
            Assert.Equal(containerParts[key], localParts[key]);
        }

        Assert.Equal("127.0.0.1", localParts["host"]);
    }

    [Theory]
    [InlineData("producer", new[] { "kafka" })]
    [InlineData("consumer", new[] { "cdcdb", "kafka" })]
    [InlineData("cassandra-sink", new[] { "cassandra", "kafka" })]
    [InlineData("capture", new[] { "cdcdb", "kafka" })]
    public async Task Service_references_and_waits_for_the_same_names_as_with_containers(string service, string[] dependencies)
    {
        await using var model = await AppHostModel.CreateLocalAsync();

        var env = await model.EnvironmentAsync(service);
        var connectionStrings = env.Keys
            .Where(k => k.StartsWith("ConnectionStrings__", StringComparison.Ordinal))
            .Select(k => k["ConnectionStrings__".Length..])
            .Order();
        var waited = model.Resource(service).Annotations.OfType<WaitAnnotation>().Select(w => w.Resource.Name).Where(n => n != "postgres").Distinct().Order();

        Assert.Equal(dependencies, connectionStrings);
        Assert.Equal(dependencies, waited);
        Assert.True(model.Resource(service).TryGetAnnotationsOfType<HealthCheckAnnotation>(out _));
    }

    [Fact]
    public async Task Producer_gets_the_partitions_of_its_topics_in_either_profile()
    {
        await using var local = await AppHostModel.CreateLocalAsync();
        await using var containers = await AppHostModel.CreateAsync();

        foreach (var model in new[] { local, containers })
        {
            var env = await model.EnvironmentAsync("producer");
            Assert.Equal("3", env["Producer__Topics__Users__Partitions"]);
            Assert.Equal("5", env["Producer__Topics__Orders__Partitions"]);
        }
    }

    private static Dictionary<string, string> ConnectionStringParts(AppHostModel model, string name)
    {
        var expression = model.Resource<IResourceWithConnectionString>(name).ConnectionStringExpression.ValueExpression;
        // The database's expression starts with its server's: {postgres.connectionString};Database=...
        var server = model.Resource<IResourceWithConnectionString>("postgres").ConnectionStringExpression.ValueExpression;
        var builder = new DbConnectionStringBuilder { ConnectionString = expression.Replace("{postgres.connectionString}", server, StringComparison.Ordinal) };
        return builder.Keys.Cast<string>().ToDictionary(k => k.ToLowerInvariant(), k => (string)builder[k], StringComparer.Ordinal);
    }
}
