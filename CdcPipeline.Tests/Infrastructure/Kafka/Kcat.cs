using System.Diagnostics;

namespace CdcPipeline.Tests.Infrastructure.Kafka;

/// <summary>Debian's <c>kcat</c>, an independent Kafka client in its own process, for cross-checks.</summary>
public static class Kcat
{
    public static string? FindOnPath() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, "kcat"))
            .FirstOrDefault(File.Exists);

    public static bool IsAvailable => FindOnPath() is not null;

    /// <summary>Runs kcat with <paramref name="arguments"/>; returns its standard output, or throws with its error output.</summary>
    public static async Task<string> RunAsync(IEnumerable<string> arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(FindOnPath() ?? throw new InvalidOperationException("kcat is not on PATH (apt-get install kcat)."))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("kcat did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"kcat {string.Join(' ', start.ArgumentList)} did not finish within {timeout}: {await error}");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"kcat {string.Join(' ', start.ArgumentList)} exited {process.ExitCode}: {await error}");
        }

        return await output;
    }
}
