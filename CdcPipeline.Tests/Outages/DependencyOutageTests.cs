using CdcPipeline.ServiceDefaults.Outages;
using CdcPipeline.Tests.Producer;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace CdcPipeline.Tests.Outages;

public sealed class DependencyOutageTests
{
    private const string Kafka = "Kafka at localhost:9092";
    private const string Refused = "Connect to ipv4#127.0.0.1:9092 failed: Connection refused";

    private readonly FakeTimeProvider _time = new();
    private readonly CapturedLogs _logs = new();
    private readonly DependencyOutage _outage;

    public DependencyOutageTests()
    {
        _outage = new DependencyOutage(Kafka, _logs.CreateLogger("test"), _time, TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void Repeated_failures_are_logged_once_while_the_summary_period_runs()
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            _outage.Failed(Refused);
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        var line = Assert.Single(_logs.Entries);
        Assert.Equal(LogLevel.Warning, line.Level);
        Assert.Equal($"{Kafka} unavailable: {Refused} (retrying; a summary every 30 s while it lasts)", line.Message);
        Assert.True(_outage.IsOngoing);
    }

    [Fact]
    public void A_lasting_outage_is_summarised_once_per_period_with_its_duration_attempts_and_last_reason()
    {
        // 2 s apart: the attempts of 0 s .. 70 s; summaries are due at 30 s and at 60 s.
        for (var second = 0; second <= 70; second += 2)
        {
            _outage.Failed(second == 30 ? "Connection timed out" : Refused);
            _time.Advance(TimeSpan.FromSeconds(2));
        }

        Assert.Equal(
            [
                $"{Kafka} unavailable: {Refused} (retrying; a summary every 30 s while it lasts)",
                $"{Kafka} unavailable for 30 s, 16 attempts: Connection timed out",
                $"{Kafka} unavailable for 1 min, 31 attempts: {Refused}",
            ],
            _logs.AtLeast(LogLevel.Warning));
    }

    [Fact]
    public void Recovery_is_one_line_with_the_outage_duration_and_a_new_failure_starts_a_new_outage()
    {
        _outage.Failed(Refused);
        _time.Advance(TimeSpan.FromSeconds(20));
        _outage.Failed(Refused);
        _time.Advance(TimeSpan.FromSeconds(25));

        _outage.Succeeded();
        _outage.Succeeded();

        Assert.False(_outage.IsOngoing);
        var recovered = Assert.Single(_logs.Entries, e => e.Level == LogLevel.Information);
        Assert.Equal($"{Kafka} available again after 45 s (2 failed attempts)", recovered.Message);

        _outage.Failed("Connection reset by peer");

        Assert.Equal(3, _logs.Entries.Count);
        Assert.Equal(
            $"{Kafka} unavailable: Connection reset by peer (retrying; a summary every 30 s while it lasts)",
            _logs.Entries[^1].Message);
    }

    [Fact]
    public void Success_without_an_outage_logs_nothing()
    {
        _outage.Succeeded();

        Assert.Empty(_logs.Entries);
        Assert.False(_outage.IsOngoing);
    }

    [Theory]
    [InlineData(0.4, "0 s")]
    [InlineData(45, "45 s")]
    [InlineData(60, "1 min")]
    [InlineData(200, "3 min 20 s")]
    [InlineData(7500, "2 h 5 min")]
    public void Durations_read_as_a_person_writes_them(double seconds, string expected) =>
        Assert.Equal(expected, OutageDuration.Format(TimeSpan.FromSeconds(seconds)));
}
