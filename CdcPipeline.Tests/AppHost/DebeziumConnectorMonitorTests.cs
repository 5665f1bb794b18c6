using Aspire.Hosting.ApplicationModel;
using CdcPipeline.AppHost.Debezium;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;

namespace CdcPipeline.Tests.AppHost;

/// <summary>
/// The AppHost's connector monitor with Aspire's notification and resource log services, the worker being a
/// local Connect REST server that the <c>debezium</c> endpoint points at.
/// </summary>
public sealed class DebeziumConnectorMonitorTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Connector_is_registered_once_the_worker_is_healthy_and_its_state_follows_the_worker()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(s_timeout);
        await using var server = new LocalKafkaConnectServer();
        await using var model = await AppHostModel.CreateAsync();
        var connect = model.Resource<DebeziumConnectResource>("debezium");
        var connector = model.Resource<DebeziumConnectorResource>("cdc-connector");
        var endpoint = connect.Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == DebeziumConnectResource.HttpEndpointName);
        endpoint.AllocatedEndpoint = new AllocatedEndpoint(endpoint, "127.0.0.1", server.Port);
        await using var services = new ServiceCollection()
            .AddLogging()
            .AddHttpClient()
            .AddSingleton<IHostApplicationLifetime, ApplicationLifetime>()
            .AddSingleton<ResourceLoggerService>()
            .AddSingleton<ResourceNotificationService>()
            .BuildServiceProvider();
        var notifications = services.GetRequiredService<ResourceNotificationService>();

        using var monitor = ActivatorUtilities.CreateInstance<DebeziumConnectorMonitor>(services, connector);
        await monitor.StartAsync(timeout.Token);
        try
        {
            await notifications.WaitForResourceAsync(connector.Name, KnownResourceStates.Waiting, timeout.Token);
            Assert.Empty(server.Requests);

            // What the AppHost publishes once the container runs and its REST health check passes.
            await notifications.PublishUpdateAsync(connect, s => (s with { State = KnownResourceStates.Running })
                .WithHealthReports([new HealthReportSnapshot("debezium_check", HealthStatus.Healthy, null, null)]));
            await notifications.WaitForResourceAsync(connector.Name, ConnectorStatus.Running, timeout.Token);

            Assert.Equal("cdc", server.ConfigOf("cdc-connector")?["topic.prefix"]);
            Assert.Single(server.Requests, r => r.StartsWith("PUT ", StringComparison.Ordinal));

            server.SetState("cdc-connector", ConnectorStatus.Failed, "org.postgresql.util.PSQLException: FATAL: password authentication failed\n\tat ...");
            var failed = await notifications.WaitForResourceAsync(connector.Name, e => e.Snapshot.State?.Text == ConnectorStatus.Failed, timeout.Token);

            Assert.Equal(KnownResourceStateStyles.Error, failed.Snapshot.State?.Style);
            Assert.Contains(failed.Snapshot.Properties, p => p.Name == ConnectorSnapshots.FailureProperty
                && Equals(p.Value, "org.postgresql.util.PSQLException: FATAL: password authentication failed"));
        }
        finally
        {
            await monitor.StopAsync(CancellationToken.None);
        }
    }
}
