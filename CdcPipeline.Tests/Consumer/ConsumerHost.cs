using CdcPipeline.Consumer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CdcPipeline.Tests.Consumer;

/// <summary>
/// The real Consumer service, composed as its Program.cs does (service defaults + AddApplicationServices),
/// running in the test process against the fixtures, on a free port.
/// </summary>
internal sealed class ConsumerHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ConsumerHost(WebApplication app) => _app = app;

    public IServiceProvider Services => _app.Services;

    /// <summary>Completes when the host has shut down (e.g. after Consumer:IdleTimeout).</summary>
    public Task Completion { get; private set; } = Task.CompletedTask;

    public static WebApplication Build(
        ConsumerTestSetup setup, IDictionary<string, string?>? overrides = null, Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ApplicationName = "CdcPipeline.Consumer",
            EnvironmentName = Environments.Development,
        });
        builder.Configuration.AddInMemoryCollection(setup.Settings(overrides));
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("CdcPipeline", LogLevel.Information);
        builder.AddServiceDefaults();
        builder.AddApplicationServices();
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(30));
        configureServices?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapDefaultEndpoints();
        return app;
    }

    public static async Task<ConsumerHost> StartAsync(
        ConsumerTestSetup setup, IDictionary<string, string?>? overrides = null, Action<IServiceCollection>? configureServices = null)
    {
        var app = Build(setup, overrides, configureServices);
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new ConsumerHost(app) { Completion = app.WaitForShutdownAsync(CancellationToken.None) };
    }

    /// <summary>Graceful stop: the batches in hand finish, offsets are committed, the consumer leaves its group.</summary>
    public async Task StopAsync() => await _app.StopAsync(CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
