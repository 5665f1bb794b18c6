using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace CdcPipeline.Tests.Capture;

/// <summary>
/// The capture as its own OS process (the build output beside the tests), configured by environment variables as it
/// is when run alone, so a test can SIGKILL it and measure its memory.
/// </summary>
internal sealed class CaptureProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private CaptureProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

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

    public static CaptureProcess Start(IDictionary<string, string?> environment)
    {
        var assembly = Path.Combine(AppContext.BaseDirectory, "CdcPipeline.Capture.dll");
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

        return new CaptureProcess(Process.Start(start) ?? throw new InvalidOperationException("Could not start the capture process."));
    }

    /// <summary>The process's peak resident set size (VmHWM from /proc/&lt;pid&gt;/status), in bytes.</summary>
    public long PeakResidentBytes() => StatusKilobytes("VmHWM:") * 1024;

    /// <summary>The process's current resident set size (VmRSS), in bytes.</summary>
    public long ResidentBytes() => StatusKilobytes("VmRSS:") * 1024;

    private long StatusKilobytes(string field)
    {
        var line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith(field, StringComparison.Ordinal));
        return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }

    /// <summary>SIGKILL: nothing flushed, nothing confirmed, no connection closed.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(TimeSpan.FromSeconds(30));
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
