using CdcPipeline.ServiceDefaults.Kafka;
using CdcPipeline.ServiceDefaults.Outages;
using CdcPipeline.Tests.Producer;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace CdcPipeline.Tests.Kafka;

/// <summary>librdkafka's errors and statistics, read as the outages of the brokers they name.</summary>
public sealed class KafkaBrokerOutagesTests
{
    private const string Bootstrap = "kafka-1:9092,kafka-2:9092";

    private readonly FakeTimeProvider _time = new();
    private readonly CapturedLogs _logs = new();
    private readonly DependencyOutages _outages;

    public KafkaBrokerOutagesTests()
    {
        _outages = new DependencyOutages(LoggerFactory.Create(logging => logging.AddProvider(_logs)), _time);
    }

    [Fact]
    public void Refused_connections_of_one_broker_are_one_outage_named_by_the_broker_address()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            Assert.True(Report(ErrorCode.Local_Transport, "kafka-2:9092/2: Connect to ipv4#10.0.0.2:9092 failed: Connection refused (after 0ms in state CONNECT)"));
            Assert.True(Report(ErrorCode.Local_AllBrokersDown, "2/2 brokers are down"));
            _time.Advance(TimeSpan.FromMilliseconds(100));
        }

        Assert.Equal(
            ["Kafka at kafka-2:9092 unavailable: Connect to ipv4#10.0.0.2:9092 failed: Connection refused (after 0ms in state CONNECT) (retrying; a summary every 30 s while it lasts)"],
            _logs.AtLeast(LogLevel.Information));
    }

    [Fact]
    public void Statistics_with_the_broker_up_end_its_outage_and_only_its_own()
    {
        Report(ErrorCode.Local_Transport, "kafka-1:9092/bootstrap: Connect to ipv4#10.0.0.1:9092 failed: Connection refused");
        Report(ErrorCode.Local_Resolve, "kafka-2:9092/2: Failed to resolve 'kafka-2:9092': Name or service not known");
        _time.Advance(TimeSpan.FromSeconds(12));

        KafkaBrokerOutages.ReadStatistics(_outages, """
            {"name": "p#producer-1", "brokers": {
              "kafka-1:9092/bootstrap": {"name": "kafka-1:9092/bootstrap", "nodeid": -1, "nodename": "kafka-1:9092", "state": "UP"},
              "kafka-2:9092/2": {"name": "kafka-2:9092/2", "nodeid": 2, "nodename": "kafka-2:9092", "state": "CONNECT"}}}
            """);

        Assert.Equal("Kafka at kafka-1:9092 available again after 12 s (1 failed attempts)", _logs.Entries[^1].Message);
        Assert.False(_outages.For("Kafka at kafka-1:9092").IsOngoing);
        Assert.True(_outages.For("Kafka at kafka-2:9092").IsOngoing);
    }

    [Fact]
    public void Other_client_errors_are_not_outages()
    {
        Assert.False(Report(ErrorCode.Local_MsgTimedOut, "Message timed out"));
        Assert.Empty(_logs.Entries);
    }

    [Fact]
    public void A_failure_that_names_no_broker_is_the_clusters()
    {
        Report(ErrorCode.Local_Authentication, "SASL authentication error: Authentication failed");

        Assert.StartsWith($"Kafka at {Bootstrap} unavailable: SASL authentication error", Assert.Single(_logs.Entries).Message, StringComparison.Ordinal);
    }

    private bool Report(ErrorCode code, string reason) => KafkaBrokerOutages.TryReport(_outages, Bootstrap, new Error(code, reason));
}
