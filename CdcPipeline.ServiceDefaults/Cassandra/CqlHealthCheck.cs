using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CdcPipeline.ServiceDefaults.Cassandra;

/// <summary>Healthy when Cassandra answers <c>SELECT release_version FROM system.local</c>.</summary>
internal sealed class CqlHealthCheck(CqlSession session) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var version = await session.ReadReleaseVersionAsync(cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"Cassandra {version} answers.");
        }
        catch (CqlException exception)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, exception.Message, exception);
        }
    }
}
