using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CdcPipeline.CassandraSink;

/// <summary>Whether the sink is applying changes: unhealthy while Cassandra (or the dead-letter topic) refuses its writes.</summary>
internal sealed class SinkHealth : IHealthCheck
{
    private volatile string? _problem = "starting: the Cassandra schema is not applied yet";

    public void Healthy() => _problem = null;

    public void Unhealthy(string problem) => _problem = problem;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_problem is { } problem
            ? new HealthCheckResult(context.Registration.FailureStatus, problem)
            : HealthCheckResult.Healthy("applying changes"));
}
