using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using CdcPipeline.AppHost.Debezium;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace CdcPipeline.Tests.AppHost;

public sealed class ConnectorDashboardCommandTests
{
    [Fact]
    public async Task Restart_command_restarts_the_connector_and_its_tasks_on_the_worker()
    {
        await using var server = new LocalKafkaConnectServer();
        await using var model = await AppHostModel.CreateAsync();
        var connect = model.Resource<DebeziumConnectResource>("debezium");
        var connector = model.Resource<DebeziumConnectorResource>("cdc-connector");
        // Where DCP would have put the worker's REST API: the local server.
        var endpoint = connect.Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == DebeziumConnectResource.HttpEndpointName);
        endpoint.AllocatedEndpoint = new AllocatedEndpoint(endpoint, "127.0.0.1", server.Port);
        await using var services = new ServiceCollection().AddHttpClient().BuildServiceProvider();
        using (var http = new HttpClient { BaseAddress = server.BaseAddress })
        {
            await new KafkaConnectClient(http).EnsureConnectorAsync(connector.Definition, TestContext.Current.CancellationToken);
        }

        var command = Assert.Single(connector.Annotations.OfType<ResourceCommandAnnotation>(), c => c.Name == DebeziumConnectorResource.RestartCommandName);
        var result = await command.ExecuteCommand(new ExecuteCommandContext
        {
            Services = services,
            ResourceName = connector.Name,
            Arguments = new InteractionInputCollection([]),
            Logger = NullLogger.Instance,
            CancellationToken = TestContext.Current.CancellationToken,
        });

        Assert.True(result.Success, result.Message);
        Assert.Single(server.Requests, r => r == "POST /connectors/cdc-connector/restart?includeTasks=true&onlyFailed=false");
    }

    [Fact]
    public async Task Restart_command_reports_a_worker_that_does_not_know_the_connector()
    {
        await using var server = new LocalKafkaConnectServer();
        await using var model = await AppHostModel.CreateAsync();
        var connect = model.Resource<DebeziumConnectResource>("debezium");
        var connector = model.Resource<DebeziumConnectorResource>("cdc-connector");
        var endpoint = connect.Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == DebeziumConnectResource.HttpEndpointName);
        endpoint.AllocatedEndpoint = new AllocatedEndpoint(endpoint, "127.0.0.1", server.Port);
        await using var services = new ServiceCollection().AddHttpClient().BuildServiceProvider();

        var command = Assert.Single(connector.Annotations.OfType<ResourceCommandAnnotation>(), c => c.Name == DebeziumConnectorResource.RestartCommandName);
        var result = await command.ExecuteCommand(new ExecuteCommandContext
        {
            Services = services,
            ResourceName = connector.Name,
            Arguments = new InteractionInputCollection([]),
            Logger = NullLogger.Instance,
            CancellationToken = TestContext.Current.CancellationToken,
        });

        Assert.False(result.Success);
        Assert.Contains("404", result.Message, StringComparison.Ordinal);
    }
}
