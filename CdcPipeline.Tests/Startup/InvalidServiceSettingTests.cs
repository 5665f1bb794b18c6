using CdcPipeline.Tests.Infrastructure;

namespace CdcPipeline.Tests.Startup;

/// <summary>
/// Each service's executable, run as the README's "Run it alone" commands run it, with one setting it cannot use:
/// one line on its console naming the setting and what is allowed, exit code 1, no stack trace.
/// </summary>
public sealed class InvalidServiceSettingTests
{
    private static readonly TimeSpan ExitDeadline = TimeSpan.FromSeconds(90);

    [Theory]
    [InlineData("Producer", "Producer__Mode", "sometimes", "Producer:Mode=sometimes is not valid: use Once or Continuous.")]
    [InlineData("Producer", "Producer__FlushTimeout", "150", "Producer:FlushTimeout=150 is not valid: use hh:mm:ss, e.g. 00:00:10")]
    [InlineData("Producer", "Producer__EventsPerSecond", "many", "Producer:EventsPerSecond=many is not valid: use a whole number.")]
    [InlineData("Producer", "ConnectionStrings__kafka", "", "Kafka producer 'kafka' has no bootstrap servers: set 'ConnectionStrings:kafka'")]
    [InlineData("Consumer", "Consumer__IdleTimeout", "10", "Consumer:IdleTimeout=10 is not valid: use hh:mm:ss, e.g. 00:00:10 (a bare number would be read as days).")]
    [InlineData("Consumer", "Consumer__BatchSize", "0", "Consumer:BatchSize must be between 1 and 100000 (was 0).")]
    [InlineData("Consumer", "ConnectionStrings__cdcdb", "Hots=localhost;Port=5432", "ConnectionStrings:cdcdb is not valid (unknown key 'Hots'): expected Host=host;Port=5432")]
    [InlineData("Consumer", "ConnectionStrings__cdcdb", null, "ConnectionStrings:cdcdb is not set: expected Host=host;Port=5432")]
    [InlineData("Consumer", "ConnectionStrings__kafka", "localhost:abc", "Kafka consumer 'kafka' has an invalid bootstrap server 'localhost:abc'")]
    [InlineData("Capture", "Capture__HeartbeatInterval", "5", "Capture:HeartbeatInterval=5 is not valid: use hh:mm:ss, e.g. 00:00:10")]
    [InlineData("Capture", "Capture__SlotName", "Bad-Slot", "Capture:SlotName must be 1 to 63 lower-case letters")]
    [InlineData("Capture", "ConnectionStrings__cdcdb", "Host=localhost;Port=5432;Username=cdc", "ConnectionStrings:cdcdb is not valid (it names no database)")]
    [InlineData("CassandraSink", "ConnectionStrings__cassandra", "localhost:9042", "ConnectionStrings:cassandra is not valid (it is not a list of key=value pairs separated by ';'): expected Contact Points=host")]
    [InlineData("CassandraSink", "ConnectionStrings__cassandra", "Contact Points=localhost;Prot=9042", "ConnectionStrings:cassandra is not valid (unknown key 'prot'): expected Contact Points=host")]
    [InlineData("CassandraSink", "CassandraSink__BatchTimeout", "100", "CassandraSink:BatchTimeout=100 is not valid: use hh:mm:ss, e.g. 00:00:10")]
    [InlineData("CassandraSink", "Aspire__Cassandra__Client__RequestTimeout", "12", "Aspire:Cassandra:Client:RequestTimeout=12 is not valid: use hh:mm:ss, e.g. 00:00:10")]
    [InlineData("CassandraSink", "CassandraSink__WriteConsistency", "Most", "CassandraSink:WriteConsistency=Most is not valid: use Any or One")]
    public async Task Invalid_setting_stops_the_service_with_one_line_and_exit_code_1(string service, string variable, string? value, string message)
    {
        using var process = ServiceProcess.Start($"CdcPipeline.{service}.dll", UnreachablePeers.Environment((variable, value)));

        var exitCode = await process.WaitForExitAsync(ExitDeadline);

        var output = process.Output;
        Assert.True(exitCode == 1, $"{service} exited with {exitCode}:\n{output}");
        Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith(message, line, StringComparison.Ordinal);
    }
}
