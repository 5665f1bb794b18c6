using System.Collections.Immutable;
using Aspire.Hosting.ApplicationModel;

namespace CdcPipeline.AppHost.Debezium;

/// <summary>How a connector's status from Kafka Connect shows on its dashboard resource.</summary>
public static class ConnectorSnapshots
{
    public const string StateProperty = "connector.state";
    public const string TasksProperty = "connector.tasks";
    public const string WorkerProperty = "connector.worker";
    public const string FailureProperty = "connector.failure";

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
            Properties = WithConnectorProperties(snapshot.Properties,
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
