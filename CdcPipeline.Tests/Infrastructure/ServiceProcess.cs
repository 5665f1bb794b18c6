using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace CdcPipeline.Tests.Infrastructure;

/// <summary>
/// A service as its own OS process (its build output beside the tests), configured by environment variables as it is
/// when run alone, so a test can SIGKILL it, stop it, and read what it logged and how much memory it took.
/// </summary>
internal sealed class ServiceProcess : IDisposable
{
    private const int SigTerm = 15;

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServiceProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Everything the process wrote to stdout and stderr so far.</summary>
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

    public static ServiceProcess Consumer(IDictionary<string, string?> environment) => Start("CdcPipeline.Consumer.dll", environment);

    public static ServiceProcess Capture(IDictionary<string, string?> environment) => Start("CdcPipeline.Capture.dll", environment);

    public static ServiceProcess Producer(IDictionary<string, string?> environment) => Start("CdcPipeline.Producer.dll", environment);

    public static ServiceProcess CassandraSink(IDictionary<string, string?> environment) => Start("CdcPipeline.CassandraSink.dll", environment);

    /// <summary>
    /// Starts <c>dotnet <paramref name="assembly"/></c>: HTTP on a free loopback port, the services' own log categories
    /// at Information and the rest at Warning, unless <paramref name="environment"/> says otherwise.
    /// </summary>
    public static ServiceProcess Start(string assembly, IDictionary<string, string?> environment)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, assembly));
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["DOTNET_ENVIRONMENT"] = "Development";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__CdcPipeline"] = "Information";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return new ServiceProcess(Process.Start(start) ?? throw new InvalidOperationException($"Could not start {assembly}."));
    }

    /// <summary>The process's peak resident set size (VmHWM from /proc/&lt;pid&gt;/status), in bytes.</summary>
    public long PeakResidentBytes() => StatusKilobytes("VmHWM:") * 1024;

    /// <summary>The process's current resident set size (VmRSS), in bytes.</summary>
    public long ResidentBytes() => StatusKilobytes("VmRSS:") * 1024;

    /// <summary>SIGKILL: nothing flushed, nothing committed, no connection closed; a consumer group notices only after its session timeout.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(TimeSpan.FromSeconds(30));
    }

    /// <summary>SIGTERM, as a deployment stops a service: it shuts down gracefully.</summary>
    public void Terminate()
    {
        if (!_process.HasExited && SendSignal(_process.Id, SigTerm) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, SIGTERM) failed: errno {Marshal.GetLastPInvokeError()}");
        }
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

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    private long StatusKilobytes(string field)
    {
        var line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith(field, StringComparison.Ordinal));
        return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
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
