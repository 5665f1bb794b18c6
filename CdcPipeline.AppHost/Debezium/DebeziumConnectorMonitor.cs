using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CdcPipeline.AppHost.Debezium;

/// <summary>
/// Registers the connector once its worker is healthy (idempotently: an unchanged configuration is left
/// alone), then publishes the connector's state to its dashboard resource until the AppHost stops.
/// </summary>
public sealed partial class DebeziumConnectorMonitor(
    DebeziumConnectorResource connector,
    ResourceNotificationService notifications,
    ResourceLoggerService resourceLogs,
    IHttpClientFactory httpClientFactory) : BackgroundService
{
    private static readonly TimeSpan s_pollInterval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var logger = resourceLogs.GetLogger(connector);
        try
        {
            await notifications.PublishUpdateAsync(connector, s => s with { State = KnownResourceStates.Waiting }).ConfigureAwait(false);
            // The worker's health check is its REST API answering: then it takes registrations.
            await notifications.WaitForResourceAsync(
                connector.Connect.Name,
                e => e.Snapshot.State?.Text == KnownResourceStates.Running && e.Snapshot.HealthStatus == HealthStatus.Healthy,
                stoppingToken).ConfigureAwait(false);

            using var http = KafkaConnectHttp.CreateClient(httpClientFactory, connector.Connect);
            var client = new KafkaConnectClient(http);

            await RegisterAsync(client, logger, stoppingToken).ConfigureAwait(false);
            await MonitorAsync(client, logger, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The AppHost is stopping.
        }
    }

    // Right after the worker answers, Connect may still be joining its group (409) or electing a leader:
    // retry until the registration is accepted.
    private async Task RegisterAsync(KafkaConnectClient client, ILogger logger, CancellationToken stoppingToken)
    {
        while (true)
        {
            try
            {
                await notifications.PublishUpdateAsync(connector, s => s with { State = KnownResourceStates.Starting }).ConfigureAwait(false);
                var outcome = await client.EnsureConnectorAsync(connector.Definition, stoppingToken).ConfigureAwait(false);
                LogRegistered(logger, connector.Name, outcome);
                return;
            }
            catch (Exception ex) when (ex is KafkaConnectException or HttpRequestException or TaskCanceledException && !stoppingToken.IsCancellationRequested)
            {
                LogRegistrationFailed(logger, connector.Name, ex.Message);
                await notifications.PublishUpdateAsync(connector, s => s.WithError("RegistrationFailed", ex.Message)).ConfigureAwait(false);
                await Task.Delay(s_pollInterval, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private async Task MonitorAsync(KafkaConnectClient client, ILogger logger, CancellationToken stoppingToken)
    {
        string? lastState = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var status = await client.GetStatusAsync(connector.Name, stoppingToken).ConfigureAwait(false);
                if (status is null)
                {
                    // Deleted by hand (Kafka UI, curl): register it again.
                    await RegisterAsync(client, logger, stoppingToken).ConfigureAwait(false);
                    continue;
                }

                if (status.EffectiveState != lastState)
                {
                    lastState = status.EffectiveState;
                    LogStateChanged(logger, connector.Name, status.EffectiveState, status.FailureReason);
                }

                await notifications.PublishUpdateAsync(connector, s => s.WithStatus(status)).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is KafkaConnectException or HttpRequestException or TaskCanceledException && !stoppingToken.IsCancellationRequested)
            {
                lastState = null;
                LogStatusFailed(logger, connector.Name, ex.Message);
                await notifications.PublishUpdateAsync(connector, s => s.WithError("Unknown", ex.Message)).ConfigureAwait(false);
            }

            await Task.Delay(s_pollInterval, stoppingToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Connector {Connector}: {Outcome}")]
    private static partial void LogRegistered(ILogger logger, string connector, ConnectorRegistrationOutcome outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connector {Connector} not registered yet, retrying: {Reason}")]
    private static partial void LogRegistrationFailed(ILogger logger, string connector, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connector {Connector} is {State} {Failure}")]
    private static partial void LogStateChanged(ILogger logger, string connector, string state, string? failure);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connector {Connector}: status unavailable: {Reason}")]
    private static partial void LogStatusFailed(ILogger logger, string connector, string reason);
}
