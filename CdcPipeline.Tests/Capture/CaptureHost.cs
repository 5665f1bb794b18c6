using CdcPipeline.Capture;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CdcPipeline.Tests.Capture;

/// <summary>
/// The real capture service, composed as its Program.cs does (service defaults + AddApplicationServices), running in
/// the test process against the fixtures, on a free port.
/// </summary>
internal sealed class CaptureHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private CaptureHost(WebApplication app) => _app = app;

    public IServiceProvider Services => _app.Services;

    public static WebApplication Build(
        CaptureTestSetup setup, IDictionary<string, string?>? overrides = null, Action<IServiceCollection>? configureServices = null,
        Action<ILoggingBuilder>? configureLogging = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ApplicationName = "CdcPipeline.Capture",
            EnvironmentName = Environments.Development,
        });
        builder.Configuration.AddInMemoryCollection(setup.Settings(overrides));
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("CdcPipeline", LogLevel.Information);
        configureLogging?.Invoke(builder.Logging);
        builder.AddServiceDefaults();
        builder.AddApplicationServices();
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(30));
        configureServices?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapDefaultEndpoints();
        return app;
    }

    public static async Task<CaptureHost> StartAsync(
        CaptureTestSetup setup, IDictionary<string, string?>? overrides = null, Action<IServiceCollection>? configureServices = null,
        Action<ILoggingBuilder>? configureLogging = null)
    {
        var app = Build(setup, overrides, configureServices, configureLogging);
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new CaptureHost(app);
    }

    public async Task StopAsync() => await _app.StopAsync(CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
