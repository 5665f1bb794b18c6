using System.Collections.Immutable;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CdcPipeline.AppHost.Debezium;

/// <summary>How a connector's status from Kafka Connect shows on its dashboard resource.</summary>
internal static class ConnectorSnapshots
{
    public const string StateProperty = "connector.state";
    public const string TasksProperty = "connector.tasks";
    public const string WorkerProperty = "connector.worker";
    public const string FailureProperty = "connector.failure";
    public const string WaitingForProperty = "connector.waiting-for";

    /// <summary>The state while the connector waits for its worker: <c>Waiting for debezium</c>.</summary>
    public static ResourceStateSnapshot WaitingState(IResource worker) =>
        new($"Waiting for {worker.Name}", KnownResourceStateStyles.Info);

    public static bool IsWaiting(CustomResourceSnapshot snapshot) =>
        snapshot.State?.Text?.StartsWith("Waiting", StringComparison.Ordinal) == true;

    /// <summary>What the connector waits for and where the worker is: shown as a property and logged.</summary>
    public static string WaitingReason(IResource worker, string workerNow) =>
        $"{worker.Name} running and healthy (Kafka Connect's GET {DebeziumConnectResource.HealthPath} answering 200); {worker.Name} is {workerNow}";

    /// <summary>The worker's state and health as its dashboard resource shows them: <c>Running, health Unhealthy (…)</c>.</summary>
    public static string DescribeWorker(CustomResourceSnapshot worker)
    {
        ArgumentNullException.ThrowIfNull(worker);

        var state = worker.State?.Text is { Length: > 0 } text ? text : "not started yet";
        if (worker.HealthStatus is not { } health)
        {
            return state;
        }

        var reasons = worker.HealthReports
            .Where(r => r.Status != HealthStatus.Healthy && !string.IsNullOrWhiteSpace(r.Description))
            .Select(r => r.Description);
        var reason = string.Join("; ", reasons);
        return reason.Length > 0 ? $"{state}, health {health} ({reason})" : $"{state}, health {health}";
    }

    public static CustomResourceSnapshot WithWaiting(this CustomResourceSnapshot snapshot, IResource worker, string workerNow)
    {
        ArgumentNullException.ThrowIfNull(snapshot);

        return snapshot with
        {
            State = WaitingState(worker),
            Properties = WithConnectorProperties(snapshot.Properties, [new(WaitingForProperty, WaitingReason(worker, workerNow))]),
        };
    }

    public static CustomResourceSnapshot WithStatus(this CustomResourceSnapshot snapshot, ConnectorStatus status)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(status);

        var state = status.EffectiveState;
        var style = state switch
        {
            ConnectorStatus.Running => KnownResourceStateStyles.Success,
            ConnectorStatus.Failed => KnownResourceStateStyles.Error,
            _ => KnownResourceStateStyles.Warn,
        };

        return snapshot with
        {
            State = new ResourceStateSnapshot(state, style),
            StartTimeStamp = snapshot.StartTimeStamp ?? DateTime.UtcNow,
            Properties = WithConnectorProperties(snapshot.Properties.RemoveAll(p => p.Name == WaitingForProperty),
            [
                new(StateProperty, status.State),
                new(TasksProperty, string.Join(", ", status.Tasks.Select(t => $"{t.Id}:{t.State}"))),
                new(WorkerProperty, status.WorkerId),
                new(FailureProperty, status.FailureReason),
            ]),
        };
    }

    /// <summary>The worker is not reachable or refused a call: the state says so, with the reason.</summary>
    public static CustomResourceSnapshot WithError(this CustomResourceSnapshot snapshot, string state, string reason)
    {
        ArgumentNullException.ThrowIfNull(snapshot);

        return snapshot with
        {
            State = new ResourceStateSnapshot(state, KnownResourceStateStyles.Error),
            Properties = WithConnectorProperties(snapshot.Properties, [new(FailureProperty, reason)]),
        };
    }

    private static ImmutableArray<ResourcePropertySnapshot> WithConnectorProperties(
        ImmutableArray<ResourcePropertySnapshot> properties,
        ResourcePropertySnapshot[] replacements)
    {
        var names = replacements.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        return [.. properties.Where(p => !names.Contains(p.Name)), .. replacements];
    }
}
