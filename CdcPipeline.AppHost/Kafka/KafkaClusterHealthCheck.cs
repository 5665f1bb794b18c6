using Confluent.Kafka;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CdcPipeline.AppHost.Kafka;

/// <summary>
/// Healthy when the cluster's metadata lists every expected broker: one reachable broker is not a
/// cluster that can hold replication factor 3 with min ISR 2.
/// </summary>
public sealed class KafkaClusterHealthCheck(
    Func<CancellationToken, ValueTask<string?>> bootstrapServers,
    int expectedBrokers,
    TimeSpan metadataTimeout,
    Action<AdminClientConfig>? configureClient = null) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var servers = await bootstrapServers(cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(servers))
        {
            return HealthCheckResult.Unhealthy("The Kafka bootstrap servers are not known yet.");
        }

        var config = new AdminClientConfig
        {
            BootstrapServers = servers,
            SocketTimeoutMs = (int)metadataTimeout.TotalMilliseconds,
            // Quiet: an unreachable broker is reported by the result, not by librdkafka's log.
            LogConnectionClose = false,
        };
        configureClient?.Invoke(config);

        // GetMetadata blocks; keep it off the health check scheduler's thread.
        return await Task.Run(() => Probe(config), cancellationToken).ConfigureAwait(false);
    }

    private HealthCheckResult Probe(AdminClientConfig config)
    {
        try
        {
            using var admin = new AdminClientBuilder(config).SetLogHandler((_, _) => { }).Build();
            var metadata = admin.GetMetadata(metadataTimeout);
            var brokers = metadata.Brokers.Select(b => $"{b.BrokerId}@{b.Host}:{b.Port}").ToArray();
            var description = $"{brokers.Length} of {expectedBrokers} brokers: {string.Join(", ", brokers)}";

            return brokers.Length >= expectedBrokers
                ? HealthCheckResult.Healthy(description)
                : HealthCheckResult.Unhealthy(description);
        }
        catch (KafkaException ex)
        {
            return HealthCheckResult.Unhealthy($"Kafka metadata request failed: {ex.Error.Reason}", ex);
        }
    }
}
