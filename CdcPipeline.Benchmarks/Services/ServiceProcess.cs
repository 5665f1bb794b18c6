using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace CdcPipeline.Benchmarks.Services;

/// <summary>
/// One service as its own process (<c>dotnet CdcPipeline.X.dll</c> from this program's build output), configured by
/// environment variables as the AppHost configures it. Its peak resident set and CPU time are sampled from /proc
/// while it runs, so they are its own, not this program's.
/// </summary>
internal sealed class ServiceProcess : IAsyncDisposable
{
    private static readonly TimeSpan SampleInterval = TimeSpan.FromMilliseconds(100);
    private const int OutputLinesKept = 40;

    private readonly Process _process;
    private readonly Queue<string> _output = new();
    private readonly CancellationTokenSource _sampling = new();
    private readonly Task _sampler;
    private int _disposed;
    private long _peakRssBytes;
    private double _cpuSeconds;

    private ServiceProcess(string name, Process process)
    {
        Name = name;
        _process = process;
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _sampler = SampleAsync(_sampling.Token);
    }

    public string Name { get; }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public ServiceUsage Usage => new(Name, Interlocked.Read(ref _peakRssBytes), Volatile.Read(ref _cpuSeconds));

    /// <summary>The last lines it wrote, for an error message.</summary>
    public string OutputTail
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output);
            }
        }
    }

    public static ServiceProcess Start(string name, string assembly, IReadOnlyDictionary<string, string> environment)
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
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return new ServiceProcess(name, Process.Start(start) ?? throw new BenchmarkSetupException($"Could not start {assembly}."));
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{Name} did not exit within {timeout.TotalSeconds:0} s. Its last lines:\n{OutputTail}");
        }

        return _process.ExitCode;
    }

    /// <summary>Throws with its last lines when it has exited unexpectedly.</summary>
    public void EnsureRunning()
    {
        if (_process.HasExited)
        {
            throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode}. Its last lines:\n{OutputTail}");
        }
    }

    /// <summary>SIGTERM (the graceful stop the AppHost sends), then waits for it to exit; kills it after 60 s.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (!_process.HasExited)
        {
            Sample();
            Signals.Send(_process.Id, Signals.Terminate);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        await _sampling.CancelAsync();
        await _sampler;
        _sampling.Dispose();
        _process.Dispose();
    }

    private async Task SampleAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(SampleInterval);
        try
        {
            do
            {
                Sample();
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException)
        {
            // Stopped with the process.
        }
    }

    private void Sample()
    {
        try
        {
            var id = _process.Id;
            var status = File.ReadAllLines($"/proc/{id}/status");
            var peak = status.FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            if (peak is not null)
            {
                var kilobytes = long.Parse(peak["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                Interlocked.Exchange(ref _peakRssBytes, Math.Max(Interlocked.Read(ref _peakRssBytes), kilobytes * 1024));
            }

            // utime and stime are fields 14 and 15 of /proc/<pid>/stat, after the parenthesised command name.
            var stat = File.ReadAllText($"/proc/{id}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            Volatile.Write(ref _cpuSeconds, Math.Max(Volatile.Read(ref _cpuSeconds), ticks / 100.0));
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or UnauthorizedAccessException)
        {
            // The process has just exited: the last sample stands.
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Enqueue(line);
            while (_output.Count > OutputLinesKept)
            {
                _output.Dequeue();
            }
        }
    }
}

/// <summary>What one service process used: its peak resident set (VmHWM) and its CPU time (user + system).</summary>
internal sealed record ServiceUsage(string Service, long PeakRssBytes, double CpuSeconds);
