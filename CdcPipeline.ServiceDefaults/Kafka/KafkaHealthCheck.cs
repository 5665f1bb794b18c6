using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CdcPipeline.ServiceDefaults.Kafka;

/// <summary>
/// Healthy when the cluster a client is configured for answers a DescribeCluster request within a short timeout.
/// Uses its own admin client, built once from the client's connection settings.
/// </summary>
internal sealed class KafkaHealthCheck : IHealthCheck, IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    // Only what decides how to reach and authenticate to the brokers; client-role properties stay behind.
    private static readonly string[] ConnectionPrefixes = ["security.", "sasl.", "ssl.", "socket."];

    private static readonly string[] ConnectionProperties =
        ["bootstrap.servers", "enable.ssl.certificate.verification", "client.dns.lookup", "broker.address.family", "client.id"];

    private readonly Lazy<IAdminClient> _admin;
    private readonly string _bootstrapServers;

    public KafkaHealthCheck(IEnumerable<KeyValuePair<string, string>> clientConfig)
    {
        var config = new AdminClientConfig(ConnectionSettings(clientConfig))
        {
            SocketTimeoutMs = (int)Timeout.TotalMilliseconds,
            ReconnectBackoffMs = 100,
            ReconnectBackoffMaxMs = 1000,
            // Logs of a cluster that is down are the health status's business, not the log's.
            LogConnectionClose = false,
        };
        _bootstrapServers = config.BootstrapServers;
        _admin = new Lazy<IAdminClient>(() => new AdminClientBuilder(config).SetLogHandler((_, _) => { }).Build());
    }

    /// <summary>The client's settings that say how to reach and authenticate to the brokers.</summary>
    internal static Dictionary<string, string> ConnectionSettings(IEnumerable<KeyValuePair<string, string>> clientConfig) =>
        clientConfig
            .Where(entry => ConnectionProperties.Contains(entry.Key, StringComparer.Ordinal)
                || ConnectionPrefixes.Any(prefix => entry.Key.StartsWith(prefix, StringComparison.Ordinal)))
            .ToDictionary(entry => entry.Key, entry => entry.Value);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var cluster = await _admin.Value.DescribeClusterAsync(new DescribeClusterOptions { RequestTimeout = Timeout })
                .WaitAsync(Timeout + TimeSpan.FromSeconds(1), cancellationToken)
                .ConfigureAwait(false);
            return HealthCheckResult.Healthy(
                $"Kafka cluster {cluster.ClusterId} answered with {cluster.Nodes.Count} broker(s).",
                new Dictionary<string, object> { ["brokers"] = cluster.Nodes.Count });
        }
        catch (Exception e) when (e is KafkaException or TimeoutException)
        {
            return new HealthCheckResult(
                context.Registration.FailureStatus,
                $"Kafka cluster at {_bootstrapServers} did not answer: {e.Message}",
                e);
        }
    }

    public void Dispose()
    {
        if (_admin.IsValueCreated)
        {
            _admin.Value.Dispose();
        }
    }
}
