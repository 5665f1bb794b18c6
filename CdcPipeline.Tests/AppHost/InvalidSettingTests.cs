using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace CdcPipeline.Tests.AppHost;

/// <summary>The AppHost executable, run as a user runs it, with a setting it cannot use.</summary>
public sealed class InvalidSettingTests
{
    [Theory]
    [InlineData("CdcPipeline:Profile=cloud", "CdcPipeline:Profile=cloud is not valid: use containers or local")]
    [InlineData("CdcPipeline:Capture=connect", "CdcPipeline:Capture=connect is not valid: use debezium")]
    [InlineData("CdcPipeline:Profile=local CdcPipeline:Capture=debezium", "CdcPipeline:Capture=debezium needs the containers profile")]
    public async Task Invalid_setting_stops_the_AppHost_with_one_line_and_exit_code_1(string arguments, string message)
    {
        var start = AppHostStart();
        foreach (var argument in arguments.Split(' '))
        {
            start.ArgumentList.Add(argument);
        }

        await AssertStopsWithOneLine(start, message);
    }

    [Fact]
    public async Task A_dashboard_port_another_program_holds_stops_the_AppHost_with_one_line_naming_it()
    {
        using var other = new TcpListener(IPAddress.Loopback, 0);
        other.Start();
        var taken = ((IPEndPoint)other.LocalEndpoint).Port;
        var start = AppHostStart();
        start.Environment["ASPNETCORE_URLS"] = $"http://localhost:{taken}";
        start.Environment["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true";

        await AssertStopsWithOneLine(start, $"Port {taken} is in use by another program (ASPNETCORE_URLS=http://localhost:{taken}, a dashboard port)");
    }

    private static ProcessStartInfo AppHostStart() =>
        new(Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "CdcPipeline.AppHost.exe" : "CdcPipeline.AppHost"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

    private static async Task AssertStopsWithOneLine(ProcessStartInfo start, string message)
    {
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);

        Assert.Equal(1, process.ExitCode);
        Assert.Equal(string.Empty, await output);
        var line = Assert.Single((await error).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith(message, line, StringComparison.Ordinal);
    }
}
