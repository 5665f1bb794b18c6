using System.Diagnostics;
using System.Text;

namespace CdcPipeline.Tests.Consumer;

/// <summary>
/// The Consumer as its own OS process (the build output beside the tests), configured by environment variables
/// as it is when run alone, so a test can kill it without any clean shutdown.
/// </summary>
internal sealed class ConsumerProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ConsumerProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static ConsumerProcess Start(IDictionary<string, string?> environment)
    {
        var assembly = Path.Combine(AppContext.BaseDirectory, "CdcPipeline.Consumer.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(assembly);
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["DOTNET_ENVIRONMENT"] = "Development";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__CdcPipeline"] = "Information";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return new ConsumerProcess(Process.Start(start) ?? throw new InvalidOperationException("Could not start the Consumer process."));
    }

    /// <summary>SIGKILL: no batch finished, no commit, no Close; the group notices only after its session timeout.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(TimeSpan.FromSeconds(30));
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancellation.Token);
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
