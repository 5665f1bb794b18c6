using Aspire.Hosting.ApplicationModel;
using CdcPipeline.AppHost.Debezium;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Time.Testing;

namespace CdcPipeline.Tests.AppHost;

/// <summary>
/// The AppHost's connector monitor with Aspire's notification and resource log services, the <c>debezium</c>
/// endpoint pointing at a local Connect REST server, and time that moves only when the test advances it.
/// </summary>
internal sealed class ConnectorMonitorHarness : IAsyncDisposable
{
    private readonly AppHostModel _model;
    private readonly ServiceProvider _services;

    private ConnectorMonitorHarness(AppHostModel model, ServiceProvider services, LocalKafkaConnectServer server, FakeTimeProvider time)
    {
        _model = model;
        _services = services;
        Server = server;
        Time = time;
        Connect = model.Resource<DebeziumConnectResource>("debezium");
        Connector = model.Resource<DebeziumConnectorResource>("cdc-connector");
        Notifications = services.GetRequiredService<ResourceNotificationService>();
        Logs = services.GetRequiredService<ResourceLoggerService>();
        Monitor = ActivatorUtilities.CreateInstance<DebeziumConnectorMonitor>(services, Connector);
    }

    public LocalKafkaConnectServer Server { get; }

    public FakeTimeProvider Time { get; }

    public DebeziumConnectResource Connect { get; }

    public DebeziumConnectorResource Connector { get; }

    public ResourceNotificationService Notifications { get; }

    public ResourceLoggerService Logs { get; }

    public DebeziumConnectorMonitor Monitor { get; }

    public int StatusReads => Server.Requests.Count(r => r == $"GET /connectors/{Connector.Name}/status");

    public int Registrations => Server.Requests.Count(r => r.StartsWith("PUT ", StringComparison.Ordinal));

    public static async Task<ConnectorMonitorHarness> CreateAsync()
    {
        var server = new LocalKafkaConnectServer();
        var model = await AppHostModel.CreateAsync();
        var connect = model.Resource<DebeziumConnectResource>("debezium");
        var endpoint = connect.Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == DebeziumConnectResource.HttpEndpointName);
        endpoint.AllocatedEndpoint = new AllocatedEndpoint(endpoint, "127.0.0.1", server.Port);

        var time = new FakeTimeProvider();
        var services = new ServiceCollection()
            .AddLogging()
            .AddHttpClient()
            .AddSingleton<TimeProvider>(time)
            .AddSingleton<IHostApplicationLifetime, ApplicationLifetime>()
            .AddSingleton<ResourceLoggerService>()
            .AddSingleton<ResourceNotificationService>()
            .BuildServiceProvider();
        return new ConnectorMonitorHarness(model, services, server, time);
    }

    /// <summary>What the AppHost publishes once the worker's container runs and its REST health check passes.</summary>
    public Task ReportWorkerHealthyAsync() =>
        Notifications.PublishUpdateAsync(Connect, s => (s with { State = KnownResourceStates.Running })
            .WithHealthReports([new HealthReportSnapshot("debezium_check", HealthStatus.Healthy, null, null)]));

    public async ValueTask DisposeAsync()
    {
        await Monitor.StopAsync(CancellationToken.None);
        Monitor.Dispose();
        await _services.DisposeAsync();
        await _model.DisposeAsync();
        await Server.DisposeAsync();
    }
}
