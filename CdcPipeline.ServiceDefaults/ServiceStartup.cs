using CdcPipeline.ServiceDefaults.Settings;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CdcPipeline.ServiceDefaults;

/// <summary>
/// The one startup path of every service: compose, validate every setting, then run. An invalid setting is one line
/// on stderr naming the setting, its value and what is allowed, and exit code 1; no connection has been tried then.
/// </summary>
public static class ServiceStartup
{
    public const int InvalidSetting = 1;

    /// <summary>Runs the service; the exit code is <see cref="Environment.ExitCode"/> (set by a service that fails) once it stops.</summary>
    public static Task<int> RunAsync(string[] args, Action<WebApplicationBuilder> addServices) =>
        RunAsync(args, addServices, _ => () => Environment.ExitCode);

    /// <summary>Runs the service; <paramref name="exitCode"/> reads, from the built services, the exit code once it stops.</summary>
    public static async Task<int> RunAsync(string[] args, Action<WebApplicationBuilder> addServices, Func<IServiceProvider, Func<int>> exitCode)
    {
        ArgumentNullException.ThrowIfNull(addServices);
        ArgumentNullException.ThrowIfNull(exitCode);
        WebApplication app;
        Func<int> readExitCode;
        try
        {
            var builder = WebApplication.CreateBuilder(args);
            builder.AddServiceDefaults();
            addServices(builder);
            app = builder.Build();
            app.MapDefaultEndpoints();
            readExitCode = exitCode(app.Services);
            // What the host would do first when it starts, done here so that a refusal is not logged as
            // "Hosting failed to start" with its stack trace: the settings bound and validated, the services built.
            app.Services.GetService<IStartupValidator>()?.Validate();
            _ = app.Services.GetServices<IHostedService>().ToArray();
        }
        catch (Exception e) when (SettingFailures(e) is { Count: > 0 } failures)
        {
            foreach (var failure in failures)
            {
                await Console.Error.WriteLineAsync(failure).ConfigureAwait(false);
            }

            return InvalidSetting;
        }

        await using (app.ConfigureAwait(false))
        {
            try
            {
                await app.StartAsync().ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (app.Lifetime.ApplicationStopping.IsCancellationRequested)
            {
                // Ctrl+C or SIGTERM while starting: the services that did start are stopped below, as in any stop.
            }

            await app.WaitForShutdownAsync().ConfigureAwait(false);
        }

        return readExitCode();
    }

    /// <summary>The messages of a refused setting (one per setting); empty for any other failure, which keeps its stack trace.</summary>
    private static List<string> SettingFailures(Exception error) => error switch
    {
        InvalidSettingException invalid => [invalid.Message],
        OptionsValidationException validation => [.. validation.Failures],
        AggregateException aggregate when aggregate.InnerExceptions.Select(SettingFailures).ToList() is var all && all.TrueForAll(f => f.Count > 0) =>
            [.. all.SelectMany(f => f)],
        _ => [],
    };
}
