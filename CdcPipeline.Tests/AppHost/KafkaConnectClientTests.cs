using Aspire.Hosting.ApplicationModel;
using CdcPipeline.AppHost.Debezium;

namespace CdcPipeline.Tests.AppHost;

public sealed class KafkaConnectClientTests
{
    private static readonly ConnectorDefinition s_connector = new("cdc-connector", new Dictionary<string, string>
    {
        ["connector.class"] = "io.debezium.connector.postgresql.PostgresConnector",
        ["topic.prefix"] = "cdc",
        ["database.password"] = "${env:CDC_DB_PASSWORD}",
    });

    [Fact]
    public async Task First_registration_puts_the_configuration_once()
    {
        await using var server = new LocalKafkaConnectServer();
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        var outcome = await new KafkaConnectClient(http).EnsureConnectorAsync(s_connector, TestContext.Current.CancellationToken);

        Assert.Equal(ConnectorRegistrationOutcome.Created, outcome);
        Assert.Single(server.Requests, r => r == "PUT /connectors/cdc-connector/config");
        var stored = server.ConfigOf("cdc-connector")!;
        Assert.Equal("cdc", stored["topic.prefix"]);
        Assert.Equal("${env:CDC_DB_PASSWORD}", stored["database.password"]);
    }

    [Fact]
    public async Task Registering_the_same_configuration_again_changes_nothing()
    {
        await using var server = new LocalKafkaConnectServer();
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var client = new KafkaConnectClient(http);

        await client.EnsureConnectorAsync(s_connector, TestContext.Current.CancellationToken);
        var second = await client.EnsureConnectorAsync(s_connector, TestContext.Current.CancellationToken);

        Assert.Equal(ConnectorRegistrationOutcome.Unchanged, second);
        Assert.Single(server.Requests, r => r.StartsWith("PUT ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_changed_configuration_is_put_again()
    {
        await using var server = new LocalKafkaConnectServer();
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var client = new KafkaConnectClient(http);
        await client.EnsureConnectorAsync(s_connector, TestContext.Current.CancellationToken);

        var changed = s_connector with { Config = new Dictionary<string, string>(s_connector.Config) { ["heartbeat.interval.ms"] = "5000" } };
        var outcome = await client.EnsureConnectorAsync(changed, TestContext.Current.CancellationToken);

        Assert.Equal(ConnectorRegistrationOutcome.Updated, outcome);
        Assert.Equal("5000", server.ConfigOf("cdc-connector")!["heartbeat.interval.ms"]);
    }

    [Fact]
    public async Task Failed_task_surfaces_as_a_failed_connector_with_its_reason()
    {
        await using var server = new LocalKafkaConnectServer();
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var client = new KafkaConnectClient(http);
        await client.EnsureConnectorAsync(s_connector, TestContext.Current.CancellationToken);
        server.SetState("cdc-connector", "FAILED", "org.apache.kafka.connect.errors.ConnectException: replication slot \"cdc_slot\" is active\n\tat io.debezium...");

        var status = await client.GetStatusAsync("cdc-connector", TestContext.Current.CancellationToken);
        var snapshot = new CustomResourceSnapshot { ResourceType = DebeziumConnectorResource.ResourceType, Properties = [] }.WithStatus(status!);

        Assert.True(status!.IsFailed);
        Assert.Equal("FAILED", snapshot.State?.Text);
        Assert.Equal(KnownResourceStateStyles.Error, snapshot.State?.Style);
        var failure = Assert.Single(snapshot.Properties, p => p.Name == ConnectorSnapshots.FailureProperty);
        Assert.Equal("org.apache.kafka.connect.errors.ConnectException: replication slot \"cdc_slot\" is active", failure.Value);
    }

    [Fact]
    public async Task Running_connector_shows_as_running()
    {
        await using var server = new LocalKafkaConnectServer();
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var client = new KafkaConnectClient(http);
        await client.EnsureConnectorAsync(s_connector, TestContext.Current.CancellationToken);

        var status = await client.GetStatusAsync("cdc-connector", TestContext.Current.CancellationToken);
        var snapshot = new CustomResourceSnapshot { ResourceType = DebeziumConnectorResource.ResourceType, Properties = [] }.WithStatus(status!);

        Assert.Equal("RUNNING", snapshot.State?.Text);
        Assert.Equal(KnownResourceStateStyles.Success, snapshot.State?.Style);
    }

    [Fact]
    public async Task Status_of_an_unknown_connector_is_null()
    {
        await using var server = new LocalKafkaConnectServer();
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        var status = await new KafkaConnectClient(http).GetStatusAsync("cdc-connector", TestContext.Current.CancellationToken);

        Assert.Null(status);
    }

    [Fact]
    public async Task Restart_posts_restart_with_its_tasks()
    {
        await using var server = new LocalKafkaConnectServer();
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var client = new KafkaConnectClient(http);
        await client.EnsureConnectorAsync(s_connector, TestContext.Current.CancellationToken);

        await client.RestartAsync("cdc-connector", TestContext.Current.CancellationToken);

        Assert.Single(server.Requests, r => r.StartsWith("POST /connectors/cdc-connector/restart?includeTasks=true", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Connect_error_message_is_reported()
    {
        await using var server = new LocalKafkaConnectServer();
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        var error = await Assert.ThrowsAsync<KafkaConnectException>(
            () => new KafkaConnectClient(http).RestartAsync("cdc-connector", TestContext.Current.CancellationToken));

        Assert.Contains("Connector cdc-connector not found", error.Message, StringComparison.Ordinal);
    }
}
