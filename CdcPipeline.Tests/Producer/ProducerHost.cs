using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using CdcPipeline.Producer;
using CdcPipeline.Producer.Delivery;
using CdcPipeline.Producer.Hosting;
using CdcPipeline.Producer.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CdcPipeline.Tests.Producer;

/// <summary>
/// The Producer service composed as its Program.cs does, hosted in the test process with in-memory settings
/// (a fixed clock, a log capture and a listener on its meter added).
/// </summary>
internal sealed class ProducerHost : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly MeterListener meterListener = new();
    private readonly ConcurrentDictionary<string, long> measurements = new();
    private Task? running;

    private ProducerHost(WebApplication app, CapturedLogs logs)
    {
        this.app = app;
        Logs = logs;
        var meter = app.Services.GetRequiredService<ProducerTelemetry>().Meter;
        meterListener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter == meter)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        meterListener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var key = instrument.Name + string.Concat(tags.ToArray().OrderBy(t => t.Key).Select(t => $"|{t.Key}={t.Value}"));
            measurements.AddOrUpdate(key, value, (_, sum) => sum + value);
        });
        meterListener.Start();
    }

    public CapturedLogs Logs { get; }

    public ProducerRunOutcome Outcome => app.Services.GetRequiredService<ProducerRunOutcome>();

    public DeliverySummary Progress => app.Services.GetRequiredService<EventSender>().Summary;

    /// <summary>Sum of a counter's measurements whose tags include every one of <paramref name="tags"/> (<c>key=value</c>).</summary>
    public long Counted(string instrument, params string[] tags) => measurements
        .Where(m => m.Key.Split('|')[0] == instrument && tags.All(t => m.Key.Split('|').Contains(t)))
        .Sum(m => m.Value);

    public static ProducerHost Create(IDictionary<string, string?> settings, TimeProvider? clock = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(ProducerRunOutcome).Assembly.GetName().Name,
            EnvironmentName = "Testing",
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(settings)
        {
            ["urls"] = "http://127.0.0.1:0",
        });
        var logs = new CapturedLogs();
        builder.Logging.AddProvider(logs);
        if (clock is not null)
        {
            builder.Services.AddSingleton(clock);
        }

        builder.AddServiceDefaults();
        builder.AddApplicationServices();
        var app = builder.Build();
        app.MapDefaultEndpoints();
        return new ProducerHost(app, logs);
    }

    /// <summary>Runs the service until it stops by itself (or <paramref name="timeout"/> passes, then it is stopped) and returns its exit code.</summary>
    public Task<int> RunToEndAsync(TimeSpan timeout)
    {
        Start();
        return WaitToEndAsync(timeout);
    }

    /// <summary>Waits until the started service stops by itself (or <paramref name="timeout"/> passes, then it is stopped) and returns its exit code.</summary>
    public async Task<int> WaitToEndAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await WaitAsync(cancel.Token);
        Assert.False(cancel.IsCancellationRequested, $"The Producer did not stop by itself within {timeout}. Logs:\n{Logs}");
        return Outcome.ExitCode;
    }

    public void Start() => running = RunAsync(CancellationToken.None);

    /// <summary>Stops the service as Ctrl+C would and returns its exit code.</summary>
    public async Task<int> StopAsync()
    {
        app.Lifetime.StopApplication();
        await (running ?? Task.CompletedTask);
        return Outcome.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        meterListener.Dispose();
        await app.DisposeAsync();
    }

    private async Task WaitAsync(CancellationToken cancellationToken)
    {
        running ??= RunAsync(CancellationToken.None);
        await using (cancellationToken.Register(app.Lifetime.StopApplication))
        {
            await running;
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        await app.StartAsync(cancellationToken);
        await app.WaitForShutdownAsync(cancellationToken);
    }
}
