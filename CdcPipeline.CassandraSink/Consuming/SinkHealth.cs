using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CdcPipeline.CassandraSink.Consuming;

/// <summary>
/// Whether the sink is applying changes: unhealthy while Cassandra (or the dead-letter topic) refuses its writes;
/// degraded, until restarted, once it has seen the source reset (a re-snapshot or an LSN going back).
/// </summary>
internal sealed class SinkHealth : IHealthCheck
{
    private volatile string? _problem = "starting: the Cassandra schema is not applied yet";
    private volatile string? _degradation;

    public void Healthy() => _problem = null;

    public void Unhealthy(string problem) => _problem = problem;

    /// <summary>Applying works, but an operator has to act: stays until the sink restarts.</summary>
    public void Degraded(string explanation) => _degradation = explanation;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult((_problem, _degradation) switch
        {
            ({ } problem, _) => new HealthCheckResult(context.Registration.FailureStatus, problem),
            (null, { } degradation) => HealthCheckResult.Degraded(degradation),
            _ => HealthCheckResult.Healthy("applying changes"),
        });
}
