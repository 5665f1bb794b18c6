using Confluent.Kafka;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CdcPipeline.AppHost.Kafka;

/// <summary>
/// Asks every bootstrap address of the cluster, one by one, which brokers it sees, and lets
/// <see cref="KafkaClusterAssessment"/> decide: one reachable broker is not a cluster that can hold replication
/// factor 3 with min ISR 2, and three brokers that each see only themselves are three clusters.
/// </summary>
internal sealed class KafkaClusterHealthCheck(
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

        var addresses = servers.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        // GetMetadata blocks; keep it off the health check scheduler's thread, and ask the brokers at the same time.
        var answers = await Task.WhenAll(addresses.Select(address => Task.Run(() => Ask(address), cancellationToken))).ConfigureAwait(false);
        return KafkaClusterAssessment.Assess(answers, expectedBrokers);
    }

    // A client bootstrapped with one address sends its first metadata request to that broker: the answer is its view.
    private BrokerAnswer Ask(string address)
    {
        var config = new AdminClientConfig
        {
            BootstrapServers = address,
            SocketTimeoutMs = (int)metadataTimeout.TotalMilliseconds,
            // Quiet: an unreachable broker is reported by the result, not by librdkafka's log.
            LogConnectionClose = false,
        };
        configureClient?.Invoke(config);

        try
        {
            using var admin = new AdminClientBuilder(config).SetLogHandler((_, _) => { }).Build();
            var metadata = admin.GetMetadata(metadataTimeout);
            return new BrokerAnswer(address, metadata.OriginatingBrokerId, metadata.Brokers);
        }
        catch (KafkaException ex)
        {
            return BrokerAnswer.Failed(address, $"metadata request failed: {ex.Error.Reason}");
        }
    }
}
