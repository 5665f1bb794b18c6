using System.Diagnostics;

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
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "CdcPipeline.AppHost.exe" : "CdcPipeline.AppHost"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments.Split(' '))
        {
            start.ArgumentList.Add(argument);
        }

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
