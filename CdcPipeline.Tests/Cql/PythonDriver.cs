using System.Diagnostics;

namespace CdcPipeline.Tests.Cql;

/// <summary>Runs a script with Debian's python3, where the DataStax driver (package python3-cassandra) lives.</summary>
internal static class PythonDriver
{
    public const string Python = "/usr/bin/python3";

    /// <summary>Null when the driver can be imported, otherwise why not.</summary>
    public static async Task<string?> UnavailableReasonAsync()
    {
        if (!File.Exists(Python))
        {
            return $"{Python} is not installed (CI installs python3-cassandra)";
        }

        var (exitCode, _, error) = await RunAsync(["-c", "import cassandra"], TimeSpan.FromSeconds(30));
        return exitCode == 0 ? null : $"the DataStax Python driver is not importable by {Python} (apt-get install python3-cassandra): {error.Trim()}";
    }

    /// <summary>
    /// Runs a script; a stdout line <c>CONTROL:command</c> calls <paramref name="control"/> and the script reads its reply
    /// from stdin, so a script can ask the test to act on the server between two driver calls.
    /// </summary>
    public static Task<(int ExitCode, string Output, string Error)> RunScriptAsync(
        string script, IEnumerable<string> arguments, TimeSpan timeout, Func<string, string>? control = null)
    {
        Func<string, Task<string>>? asynchronous = control is null ? null : command => Task.FromResult(control(command));
        return RunScriptAsync(script, arguments, timeout, asynchronous);
    }

    /// <inheritdoc cref="RunScriptAsync(string, IEnumerable{string}, TimeSpan, Func{string, string}?)"/>
    public static async Task<(int ExitCode, string Output, string Error)> RunScriptAsync(
        string script, IEnumerable<string> arguments, TimeSpan timeout, Func<string, Task<string>>? control)
    {
        var path = Path.Combine(Path.GetTempPath(), $"cql-conformance-{Guid.NewGuid():N}.py");
        await File.WriteAllTextAsync(path, script);
        try
        {
            return await RunAsync([path, .. arguments], timeout, control);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static async Task<(int, string, string)> RunAsync(IEnumerable<string> arguments, TimeSpan timeout, Func<string, Task<string>>? control = null)
    {
        var start = new ProcessStartInfo(Python)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {Python}.");
        var error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        var output = new System.Text.StringBuilder();
        try
        {
            while (await process.StandardOutput.ReadLineAsync(deadline.Token) is { } line)
            {
                if (control is not null && line.StartsWith("CONTROL:", StringComparison.Ordinal))
                {
                    var reply = await control(line["CONTROL:".Length..]);
                    await process.StandardInput.WriteLineAsync(reply.AsMemory(), deadline.Token);
                    await process.StandardInput.FlushAsync(deadline.Token);
                }
                else
                {
                    output.AppendLine(line);
                }
            }

            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException($"{Python} did not finish within {timeout}; stderr: {await error}");
        }

        return (process.ExitCode, output.ToString(), await error);
    }
}
