using CdcPipeline.ServiceDefaults.Cassandra;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CdcPipeline.AppHost.Cassandra;

/// <summary>
/// Healthy when the node answers a query through the pipeline's own CQL client (STARTUP, then
/// <c>SELECT release_version FROM system.local</c>): the handshake and a query the sink depends on, not only an open port.
/// </summary>
/// <param name="connectionString">The resource's connection string (<c>Contact Points=...;Port=...</c>), null while unknown.</param>
internal sealed class CassandraHealthCheck(Func<CancellationToken, ValueTask<string?>> connectionString, TimeSpan timeout) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (await connectionString(cancellationToken).ConfigureAwait(false) is not { Length: > 0 } value)
        {
            return HealthCheckResult.Unhealthy("The CQL endpoint has no address yet.");
        }

        var settings = new CassandraClientSettings
        {
            ConnectionString = value,
            ConnectTimeout = timeout,
            RequestTimeout = timeout,
            ReconnectAttempts = 0,
            DisableTracing = true,
            DisableMetrics = true,
        };
        settings.ApplyConnectionString();
        var target = $"{string.Join(',', settings.ContactPoints)}:{settings.Port}";

        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        await using var session = new CqlSession(settings);
        try
        {
            var version = await session.ReadReleaseVersionAsync(timeoutSource.Token).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"Cassandra {version ?? "(no release_version)"} answers CQL at {target}");
        }
        catch (CqlException ex)
        {
            return HealthCheckResult.Unhealthy($"CQL to {target} failed: {ex.Message}", ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"CQL to {target} did not answer within {timeout.TotalSeconds:0.#} s.", ex);
        }
    }
}
