using CdcPipeline.AppHost.Local.Kafka;
using CdcPipeline.ServiceDefaults.Kafka;
using CdcPipeline.Tests.Infrastructure.Kafka;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace CdcPipeline.Tests.Kafka;

public sealed class KafkaHealthCheckTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task Health_turns_unhealthy_when_all_brokers_are_down_and_healthy_when_they_return()
    {
        using var cluster = new MockKafkaCluster(brokerCount: 3);
        var builder = KafkaTestHost.CreateBuilder(cluster.BootstrapServers);
        builder.AddKafkaProducer<string, string>("kafka");
        builder.AddKafkaConsumer<string, byte[]>("kafka", s => s.Config.GroupId = "health");
        using var host = builder.Build();
        var health = host.Services.GetRequiredService<HealthCheckService>();

        var up = await WaitForAsync(health, HealthStatus.Healthy);
        Assert.Equal(["kafka-consumer-kafka", "kafka-producer-kafka"], up.Entries.Keys.Order());
        Assert.Equal(3, up.Entries["kafka-producer-kafka"].Data["brokers"]);

        cluster.SetAllBrokersDown();
        var down = await WaitForAsync(health, HealthStatus.Unhealthy);
        Assert.All(down.Entries.Values, entry =>
        {
            Assert.Equal(HealthStatus.Unhealthy, entry.Status);
            Assert.Contains($"Kafka cluster at {cluster.BootstrapServers} did not answer", entry.Description, StringComparison.Ordinal);
        });

        cluster.SetAllBrokersUp();
        await WaitForAsync(health, HealthStatus.Healthy);
    }

    [Fact]
    public void Disabled_health_checks_are_not_registered()
    {
        var builder = KafkaTestHost.CreateBuilder("127.0.0.1:1");
        builder.AddKafkaProducer<string, string>("kafka", s => s.DisableHealthChecks = true);
        builder.AddKafkaDeadLetterPublisher("kafka");
        using var host = builder.Build();

        var registrations = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<HealthCheckServiceOptions>>()
            .Value.Registrations.Select(r => r.Name);

        Assert.Equal(["kafka-dead-letter-kafka"], registrations);
    }

    /// <summary>Polls the Kafka checks until all have <paramref name="status"/>; fails with the last report otherwise.</summary>
    private static async Task<HealthReport> WaitForAsync(HealthCheckService health, HealthStatus status)
    {
        var deadline = DateTime.UtcNow + Timeout;
        HealthReport report;
        do
        {
            report = await health.CheckHealthAsync(r => r.Tags.Contains("kafka"), TestContext.Current.CancellationToken);
            if (report.Status == status)
            {
                return report;
            }

            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Fail($"Kafka health stayed {report.Status} ({string.Join("; ", report.Entries.Select(e => $"{e.Key}: {e.Value.Description}"))}), expected {status}.");
        return report;
    }

    [Fact]
    public void Health_check_connects_with_every_security_and_connection_setting_of_the_client()
    {
        var config = new ProducerConfig
        {
            BootstrapServers = "broker:9093",
            SecurityProtocol = SecurityProtocol.SaslSsl,
            SaslMechanism = SaslMechanism.ScramSha512,
            SaslUsername = "cdc",
            SslCaLocation = "/etc/ssl/ca.pem",
            EnableSslCertificateVerification = false,
            ClientDnsLookup = ClientDnsLookup.ResolveCanonicalBootstrapServersOnly,
            SocketKeepaliveEnable = true,
            SocketConnectionSetupTimeoutMs = 5000,
            BrokerAddressFamily = BrokerAddressFamily.V4,
            LingerMs = 5,
            Acks = Acks.All,
        };

        var kept = KafkaHealthCheck.ConnectionSettings(config);

        Assert.Equal(
            ["bootstrap.servers", "broker.address.family", "client.dns.lookup", "enable.ssl.certificate.verification", "sasl.mechanism",
             "sasl.username", "security.protocol", "socket.connection.setup.timeout.ms", "socket.keepalive.enable", "ssl.ca.location"],
            kept.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("false", kept["enable.ssl.certificate.verification"], ignoreCase: true);
    }
}
