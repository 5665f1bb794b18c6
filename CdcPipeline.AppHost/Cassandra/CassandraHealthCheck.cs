using System.Net.Sockets;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CdcPipeline.AppHost.Cassandra;

/// <summary>Healthy when the node answers a CQL OPTIONS request with SUPPORTED.</summary>
public sealed class CassandraHealthCheck(Func<(string Host, int Port)?> address, TimeSpan timeout) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (address() is not { } target)
        {
            return HealthCheckResult.Unhealthy("The CQL endpoint has no address yet.");
        }

        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            var options = await CqlOptionsProbe.ProbeAsync(target.Host, target.Port, timeoutSource.Token).ConfigureAwait(false);
            var versions = options.TryGetValue("CQL_VERSION", out var cql) ? string.Join(", ", cql) : "unknown";
            return HealthCheckResult.Healthy($"CQL {versions} at {target.Host}:{target.Port}");
        }
        catch (Exception ex) when (ex is SocketException or IOException or CqlProbeException
            || ex is OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"CQL OPTIONS to {target.Host}:{target.Port} failed: {ex.Message}", ex);
        }
    }
}
