using System.Text.RegularExpressions;

namespace CdcPipeline.Tests.Reliability;

/// <summary>
/// The pipeline under a seeded schedule of faults (services SIGKILLed and restarted, brokers down, leaders moved,
/// Kafka request errors, PostgreSQL restarted and its connections killed, the CQL server dropping connections and
/// answering with timeouts and overload errors) while the Producer sends; checked once it drained. The long run:
/// <c>CDC_FAULTS_DURATION=00:30:00 dotnet test --project CdcPipeline.Tests/CdcPipeline.Tests.csproj -- --filter-class CdcPipeline.Tests.Reliability.FaultRunTests</c>.
/// </summary>
public sealed partial class FaultRunTests(FaultRunFixture run) : IClassFixture<FaultRunFixture>
{
    [Fact]
    public void Faults_at_random_while_the_Producer_sends_lose_nothing_and_double_nothing()
    {
        SkipWithoutPostgres();
        var report = run.Report.ToString();
        TestContext.Current.TestOutputHelper?.WriteLine($"{report}\n(written to {run.ReportFile})");

        Assert.True(run.Report.Passed, report);
    }

    [Fact]
    public void No_service_logs_a_password_or_a_connection_string_with_one()
    {
        SkipWithoutPostgres();
        var logs = run.Report.Logs;
        Assert.Equal(
            ["capture", "cassandra-sink", "consumer", "producer"],
            logs.Where(l => l.Output.Length > 0).Select(l => l.Service).Distinct().Order(StringComparer.Ordinal));
        Assert.All(run.Report.Secrets, secret => Assert.True(secret.Length >= 16, "a secret too short to search for"));

        var leaks = logs
            .SelectMany(log => log.Output.Split('\n').Select(line => (log, line)))
            .Where(entry => run.Report.Secrets.Any(secret => entry.line.Contains(secret, StringComparison.Ordinal)) || PasswordSetting().IsMatch(entry.line))
            .Select(entry => $"{entry.log.Service} #{entry.log.Incarnation}: {Redact(entry.line)}")
            .ToList();

        Assert.True(leaks.Count == 0, $"{leaks.Count} log lines carry a password:\n{string.Join('\n', leaks.Take(10))}");
    }

    private static void SkipWithoutPostgres() =>
        Assert.SkipWhen(FaultRunFixture.SkipReason() is not null, FaultRunFixture.SkipReason() ?? string.Empty);

    private string Redact(string line) =>
        run.Report.Secrets.Aggregate(PasswordSetting().Replace(line, "$1=***"), (text, secret) => text.Replace(secret, "***", StringComparison.Ordinal));

    /// <summary>A connection-string or configuration entry with a value: <c>Password=…</c>, <c>password: …</c>, <c>PGPASSWORD=…</c>.</summary>
    [GeneratedRegex(@"(?i)\b(\w*password)\s*[=:]\s*[^\s;""',]+")]
    private static partial Regex PasswordSetting();
}
