using System.Text;
using CdcPipeline.ServiceDefaults.Kafka;
using CdcPipeline.Tests.Infrastructure.Kafka;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace CdcPipeline.Tests.CassandraSink;

/// <summary>A dead letter Kafka will never take stops the sink with the reason instead of being retried forever.</summary>
public sealed class DeadLetterRefusalTests(KafkaFixture kafka) : IClassFixture<KafkaFixture>
{
    [Fact]
    public async Task Dead_letter_too_large_for_kafka_stops_the_sink_with_the_reason()
    {
        await using var sink = await SinkHarness.CreateAsync(kafka);
        await sink.StartSinkAsync(new Dictionary<string, string?>
        {
            // librdkafka's smallest message.max.bytes: the dead letter below is larger.
            ["Aspire:Confluent:Kafka:DeadLetter:Config:message.max.bytes"] = "1000",
        });
        var lifetime = sink.Services.GetRequiredService<IHostApplicationLifetime>();
        var health = sink.Services.GetRequiredService<HealthCheckService>();

        await sink.ProduceAsync([new("users", Guid.NewGuid(), Encoding.UTF8.GetBytes("not json " + new string('x', 4000)))]);

        var deadline = DateTime.UtcNow + SinkHarness.Timeout;
        while (!lifetime.ApplicationStopping.IsCancellationRequested && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Assert.True(lifetime.ApplicationStopping.IsCancellationRequested, "the sink did not stop");
        var entry = (await health.CheckHealthAsync(r => r.Name == "cassandra-sink", TestContext.Current.CancellationToken)).Entries["cassandra-sink"];
        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Contains("MsgSizeTooLarge", entry.Description, StringComparison.Ordinal);
    }
}
