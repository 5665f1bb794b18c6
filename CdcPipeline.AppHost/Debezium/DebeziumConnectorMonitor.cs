using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CdcPipeline.AppHost.Debezium;

/// <summary>
/// Registers the connector once its worker is healthy (idempotently: an unchanged configuration is left
/// alone), then publishes the connector's state to its dashboard resource until the AppHost stops. No failure
/// of the worker or of its answers stops the AppHost: it shows on the connector resource and polling goes on.
/// </summary>
internal sealed partial class DebeziumConnectorMonitor(
    DebeziumConnectorResource connector,
    ResourceNotificationService notifications,
    ResourceLoggerService resourceLogs,
    IHttpClientFactory httpClientFactory,
    TimeProvider timeProvider) : BackgroundService
{
    /// <summary>How long the monitor waits between two status reads, and before retrying a failed registration.</summary>
    public static TimeSpan PollInterval { get; } = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var logger = resourceLogs.GetLogger(connector);
        try
        {
            await WaitForWorkerAsync(logger, stoppingToken).ConfigureAwait(false);

            using var http = KafkaConnectHttp.CreateClient(httpClientFactory, connector.Connect);
            var client = new KafkaConnectClient(http);

            await RegisterAsync(client, logger, stoppingToken).ConfigureAwait(false);
            await MonitorAsync(client, logger, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The AppHost is stopping.
        }
        catch (Exception ex)
        {
            // Only reachable before polling starts (no HTTP client for the worker): the AppHost goes on.
            LogMonitorFailed(logger, connector.Name, Describe(ex));
            await notifications.PublishUpdateAsync(connector, s => s.WithError("MonitorFailed", Describe(ex))).ConfigureAwait(false);
        }
    }

    // The worker's health check is Connect's /health: once it passes, the worker takes registrations. Until then the
    // connector's state names the worker, and every change of the worker's state or health is shown and logged once.
    private async Task WaitForWorkerAsync(ILogger logger, CancellationToken stoppingToken)
    {
        var worker = connector.Connect;
        var described = "not started yet";
        LogWaiting(logger, connector.Name, ConnectorSnapshots.WaitingReason(worker, described));
        await notifications.PublishUpdateAsync(connector, s => s.WithWaiting(worker, described)).ConfigureAwait(false);

        await foreach (var update in notifications.WatchAsync(stoppingToken).ConfigureAwait(false))
        {
            if (update.Resource.Name != worker.Name)
            {
                continue;
            }

            if (update.Snapshot.State?.Text == KnownResourceStates.Running && update.Snapshot.HealthStatus == HealthStatus.Healthy)
            {
                LogWorkerReady(logger, connector.Name, worker.Name);
                return;
            }

            var now = ConnectorSnapshots.DescribeWorker(update.Snapshot);
            if (now != described)
            {
                described = now;
                LogWaiting(logger, connector.Name, ConnectorSnapshots.WaitingReason(worker, described));
                await notifications.PublishUpdateAsync(connector, s => s.WithWaiting(worker, now)).ConfigureAwait(false);
            }
        }

        stoppingToken.ThrowIfCancellationRequested();
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
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogRegistrationFailed(logger, connector.Name, Describe(ex));
                await notifications.PublishUpdateAsync(connector, s => s.WithError("RegistrationFailed", Describe(ex))).ConfigureAwait(false);
                await Task.Delay(PollInterval, timeProvider, stoppingToken).ConfigureAwait(false);
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
                    // Connect answers 404 for a short while after a registration, and after a delete by hand
                    // (Kafka UI, curl). Registering is idempotent: it only writes when the configuration is gone.
                    lastState = null;
                    await RegisterAsync(client, logger, stoppingToken).ConfigureAwait(false);
                }
                else
                {
                    if (status.EffectiveState != lastState)
                    {
                        lastState = status.EffectiveState;
                        LogStateChanged(logger, connector.Name, status.EffectiveState, status.FailureReason);
                    }

                    await notifications.PublishUpdateAsync(connector, s => s.WithStatus(status)).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                lastState = null;
                LogStatusFailed(logger, connector.Name, Describe(ex));
                await notifications.PublishUpdateAsync(connector, s => s.WithError("Unknown", Describe(ex))).ConfigureAwait(false);
            }

            await Task.Delay(PollInterval, timeProvider, stoppingToken).ConfigureAwait(false);
        }
    }

    // Connect's own errors and unreachable workers explain themselves; anything else (an answer that could
    // not be read) is named by its type.
    private static string Describe(Exception ex) =>
        ex is KafkaConnectException or HttpRequestException ? ex.Message : $"{ex.GetType().Name}: {ex.Message}";

    [LoggerMessage(Level = LogLevel.Information, Message = "Connector {Connector} is registered once its worker is ready; waiting for {Reason}")]
    private static partial void LogWaiting(ILogger logger, string connector, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connector {Connector}: worker {Worker} is running and healthy, registering")]
    private static partial void LogWorkerReady(ILogger logger, string connector, string worker);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connector {Connector}: {Outcome}")]
    private static partial void LogRegistered(ILogger logger, string connector, ConnectorRegistrationOutcome outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connector {Connector} not registered yet, retrying: {Reason}")]
    private static partial void LogRegistrationFailed(ILogger logger, string connector, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connector {Connector} is {State} {Failure}")]
    private static partial void LogStateChanged(ILogger logger, string connector, string state, string? failure);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connector {Connector}: status unavailable: {Reason}")]
    private static partial void LogStatusFailed(ILogger logger, string connector, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Connector {Connector} is not monitored: {Reason}")]
    private static partial void LogMonitorFailed(ILogger logger, string connector, string reason);
}
