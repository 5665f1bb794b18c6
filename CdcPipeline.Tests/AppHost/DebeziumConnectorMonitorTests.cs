using Aspire.Hosting.ApplicationModel;
using CdcPipeline.AppHost.Debezium;

namespace CdcPipeline.Tests.AppHost;

/// <summary>The AppHost's connector monitor against a local Connect REST server (see <see cref="ConnectorMonitorHarness"/>).</summary>
public sealed class DebeziumConnectorMonitorTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Connector_is_registered_once_the_worker_is_healthy_and_its_state_follows_the_worker()
    {
        using var timeout = Timeout();
        await using var harness = await ConnectorMonitorHarness.CreateAsync();
        var (server, notifications, connector) = (harness.Server, harness.Notifications, harness.Connector);
        await harness.Monitor.StartAsync(timeout.Token);

        await notifications.WaitForResourceAsync(connector.Name, e => ConnectorSnapshots.IsWaiting(e.Snapshot), timeout.Token);
        Assert.Empty(server.Requests);

        await harness.ReportWorkerHealthyAsync();
        await notifications.WaitForResourceAsync(connector.Name, ConnectorStatus.Running, timeout.Token);

        Assert.Equal("cdc", server.ConfigOf("cdc-connector")?["topic.prefix"]);
        Assert.Equal(1, harness.Registrations);

        server.SetState("cdc-connector", ConnectorStatus.Failed, "org.postgresql.util.PSQLException: FATAL: password authentication failed\n\tat ...");
        var failed = await harness.Time.AdvanceUntilAsync(
            DebeziumConnectorMonitor.PollInterval,
            notifications.WaitForResourceAsync(connector.Name, e => e.Snapshot.State?.Text == ConnectorStatus.Failed, timeout.Token),
            timeout.Token);

        Assert.Equal(KnownResourceStateStyles.Error, failed.Snapshot.State?.Style);
        Assert.Contains(failed.Snapshot.Properties, p => p.Name == ConnectorSnapshots.FailureProperty
            && Equals(p.Value, "org.postgresql.util.PSQLException: FATAL: password authentication failed"));
    }

    [Fact]
    public async Task Unreadable_status_shows_as_an_error_on_the_connector_and_polling_goes_on()
    {
        using var timeout = Timeout();
        await using var harness = await ConnectorMonitorHarness.CreateAsync();
        var (server, notifications, connector) = (harness.Server, harness.Notifications, harness.Connector);
        server.RawStatusBody = """{"name":"cdc-connector","tasks":[],"type":"source"}""";
        await harness.Monitor.StartAsync(timeout.Token);

        await harness.ReportWorkerHealthyAsync();
        var error = await notifications.WaitForResourceAsync(
            connector.Name,
            e => e.Snapshot.State?.Style == KnownResourceStateStyles.Error,
            timeout.Token);

        var reason = Assert.Single(error.Snapshot.Properties, p => p.Name == ConnectorSnapshots.FailureProperty).Value as string;
        Assert.Contains("'connector'", reason, StringComparison.Ordinal);
        Assert.False(harness.Monitor.ExecuteTask!.IsCompleted, "the monitor stopped: the exception escaped");

        // Not JSON at all: same outcome.
        server.RawStatusBody = "<html>502 Bad Gateway</html>";
        await harness.Time.AdvanceUntilAsync(
            DebeziumConnectorMonitor.PollInterval,
            notifications.WaitForResourceAsync(
                connector.Name,
                e => e.Snapshot.State?.Style == KnownResourceStateStyles.Error && e.Snapshot.Properties.Any(p =>
                    p.Name == ConnectorSnapshots.FailureProperty && p.Value is string s && s.Length > 0 && s != reason),
                timeout.Token),
            timeout.Token);
        Assert.False(harness.Monitor.ExecuteTask.IsCompleted, "the monitor stopped: the exception escaped");

        // The worker answers properly again: the next poll shows the real state.
        server.RawStatusBody = null;
        await harness.Time.AdvanceUntilAsync(
            DebeziumConnectorMonitor.PollInterval, notifications.WaitForResourceAsync(connector.Name, ConnectorStatus.Running, timeout.Token), timeout.Token);
    }

    [Fact]
    public async Task Status_404_right_after_registration_waits_a_poll_interval_and_registers_once()
    {
        using var timeout = Timeout();
        await using var harness = await ConnectorMonitorHarness.CreateAsync();
        var (server, notifications, connector) = (harness.Server, harness.Notifications, harness.Connector);
        const int notFoundReads = 3;
        server.StatusNotFoundAfterPut = notFoundReads;
        await harness.Monitor.StartAsync(timeout.Token);

        await harness.ReportWorkerHealthyAsync();
        var start = harness.Time.GetUtcNow();
        for (var poll = 1; poll <= notFoundReads; poll++)
        {
            // The monitor waits after every read: one status read per poll interval, never a burst.
            await harness.Time.AdvanceUntilAsync(DebeziumConnectorMonitor.PollInterval, () => harness.StatusReads > poll, timeout.Token);
            Assert.Equal(poll + 1, harness.StatusReads);
        }

        await notifications.WaitForResourceAsync(connector.Name, ConnectorStatus.Running, timeout.Token);
        Assert.Equal(notFoundReads + 1, harness.StatusReads);
        Assert.True(harness.Time.GetUtcNow() - start >= notFoundReads * DebeziumConnectorMonitor.PollInterval, "status reads came faster than one per poll interval");
        Assert.Equal(1, harness.Registrations);
    }

    [Fact]
    public async Task Waiting_connector_names_its_worker_and_follows_its_state_in_the_dashboard_and_its_log()
    {
        using var timeout = Timeout();
        await using var harness = await ConnectorMonitorHarness.CreateAsync();
        var (server, notifications, connector) = (harness.Server, harness.Notifications, harness.Connector);
        await harness.Monitor.StartAsync(timeout.Token);

        var waiting = await notifications.WaitForResourceAsync(connector.Name, e => ConnectorSnapshots.IsWaiting(e.Snapshot), timeout.Token);
        Assert.Equal("Waiting for debezium", waiting.Snapshot.State?.Text);

        await notifications.PublishUpdateAsync(harness.Connect, s => (s with { State = KnownResourceStates.Running })
            .WithHealthReports([new HealthReportSnapshot("debezium_http_/health_200_check", Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy, "503 Service Unavailable", null)]));
        var following = await notifications.WaitForResourceAsync(
            connector.Name,
            e => e.Snapshot.Properties.Any(p => p.Name == ConnectorSnapshots.WaitingForProperty && p.Value is string v && v.Contains("debezium is Running", StringComparison.Ordinal)),
            timeout.Token);

        var reason = (string)following.Snapshot.Properties.Single(p => p.Name == ConnectorSnapshots.WaitingForProperty).Value!;
        Assert.Equal(
            "debezium running and healthy (Kafka Connect's GET /health answering 200); debezium is Running, health Unhealthy (503 Service Unavailable)",
            reason);
        Assert.Empty(server.Requests);
        var log = await harness.Logs.WatchAsync(connector).FirstAsync(timeout.Token);
        Assert.Contains(log, l => l.Content.Contains("waiting for debezium running and healthy", StringComparison.Ordinal)
            && l.Content.Contains("debezium is not started yet", StringComparison.Ordinal));
        Assert.Contains(log, l => l.Content.Contains("debezium is Running, health Unhealthy (503 Service Unavailable)", StringComparison.Ordinal));

        await harness.ReportWorkerHealthyAsync();
        var running = await notifications.WaitForResourceAsync(connector.Name, e => e.Snapshot.State?.Text == ConnectorStatus.Running, timeout.Token);
        Assert.DoesNotContain(running.Snapshot.Properties, p => p.Name == ConnectorSnapshots.WaitingForProperty);
    }

    private static CancellationTokenSource Timeout()
    {
        var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(s_timeout);
        return timeout;
    }
}
