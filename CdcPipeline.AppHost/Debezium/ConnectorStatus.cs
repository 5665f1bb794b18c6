namespace CdcPipeline.AppHost.Debezium;

/// <summary>The state of one connector task as <c>GET /connectors/{name}/status</c> reports it.</summary>
internal sealed record ConnectorTaskStatus(int Id, string State, string? WorkerId, string? Trace);

/// <summary>
/// A connector's state from <c>GET /connectors/{name}/status</c>: the connector's own state plus its tasks'.
/// </summary>
internal sealed record ConnectorStatus(string Name, string State, string? WorkerId, string? Trace, IReadOnlyList<ConnectorTaskStatus> Tasks)
{
    public const string Running = "RUNNING";
    public const string Failed = "FAILED";

    /// <summary>FAILED when the connector or any of its tasks failed: a failed task captures nothing.</summary>
    public string EffectiveState =>
        State == Failed || Tasks.Any(t => t.State == Failed) ? Failed
        : State == Running && Tasks.Count == 0 ? "UNASSIGNED"
        : State == Running && Tasks.Any(t => t.State != Running) ? Tasks.First(t => t.State != Running).State
        : State;

    public bool IsFailed => EffectiveState == Failed;

    /// <summary>The first line of the stack trace of what failed, or null.</summary>
    public string? FailureReason
    {
        get
        {
            var trace = Trace ?? Tasks.FirstOrDefault(t => t.State == Failed)?.Trace;
            return trace?.Split('\n', 2)[0].Trim();
        }
    }
}
