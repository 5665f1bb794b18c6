using System.Text.Json;
using CdcPipeline.ServiceDefaults.Health;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CdcPipeline.Tests.Startup;

public sealed class HealthReportJsonTests
{
    [Fact]
    public void Report_carries_the_overall_status_and_each_checks_status_reason_and_data()
    {
        var report = new HealthReport(
            new Dictionary<string, HealthReportEntry>
            {
                ["self"] = new(HealthStatus.Healthy, null, TimeSpan.Zero, null, null),
                ["consumer"] = new(HealthStatus.Degraded, "users [0] paused: 5000 parked", TimeSpan.Zero, null,
                    new Dictionary<string, object> { ["parked"] = 5000 }),
                ["kafka-consumer-kafka"] = new(HealthStatus.Unhealthy, null, TimeSpan.Zero,
                    new InvalidOperationException("Kafka at 127.0.0.1:1 unreachable: Local: Broker transport failure"), null),
            },
            TimeSpan.FromMilliseconds(3));

        using var json = JsonDocument.Parse(HealthReportJson.Serialize(report));

        Assert.Equal("Unhealthy", json.RootElement.GetProperty("status").GetString());
        var checks = json.RootElement.GetProperty("checks").EnumerateArray().ToArray();
        Assert.Equal(["self", "consumer", "kafka-consumer-kafka"], checks.Select(c => c.GetProperty("name").GetString()));
        Assert.Equal(["Healthy", "Degraded", "Unhealthy"], checks.Select(c => c.GetProperty("status").GetString()));
        Assert.False(checks[0].TryGetProperty("description", out _));
        Assert.Equal("users [0] paused: 5000 parked", checks[1].GetProperty("description").GetString());
        Assert.Equal("5000", checks[1].GetProperty("data").GetProperty("parked").GetString());
        Assert.Equal("Kafka at 127.0.0.1:1 unreachable: Local: Broker transport failure", checks[2].GetProperty("description").GetString());
    }
}
