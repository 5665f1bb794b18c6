using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using CdcPipeline.AppHost.Profiles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CdcPipeline.Tests.AppHost;

/// <summary>
/// The AppHost's application model, built the way <c>dotnet run</c> builds it but without starting anything
/// (no Docker needed), in the profile a test names rather than the one this machine would get. Values are read as the
/// manifest publisher reads them, so references stay visible as <c>{resource.bindings...}</c> / <c>{parameter.value}</c>
/// expressions.
/// </summary>
internal sealed class AppHostModel : IAsyncDisposable
{
    private readonly IDistributedApplicationTestingBuilder _builder;

    private AppHostModel(IDistributedApplicationTestingBuilder builder) => _builder = builder;

    public string AppHostDirectory => _builder.AppHostDirectory;

    public IEnumerable<IResource> Resources => _builder.Resources;

    public Aspire.Hosting.Eventing.IDistributedApplicationEventing Eventing => _builder.Eventing;

    /// <summary>The containers profile.</summary>
    /// <param name="args">Further AppHost command-line arguments, e.g. <c>Section:Key=value</c> configuration.</param>
    public static Task<AppHostModel> CreateAsync(params string[] args) =>
        CreateWithAsync([$"{PipelineSettings.ProfileSetting}=containers", .. args]);

    /// <summary>The local profile: no container engine needed.</summary>
    public static Task<AppHostModel> CreateLocalAsync(params string[] args) =>
        CreateWithAsync([$"{PipelineSettings.ProfileSetting}=local", .. args]);

    private static async Task<AppHostModel> CreateWithAsync(string[] args) =>
        new(await DistributedApplicationTestingBuilder.CreateAsync<Projects.CdcPipeline_AppHost>(
            args,
            TestContext.Current.CancellationToken));

    public IResource Resource(string name) =>
        _builder.Resources.SingleOrDefault(r => r.Name == name)
        ?? throw new InvalidOperationException($"No resource '{name}'. Resources: {string.Join(", ", _builder.Resources.Select(r => r.Name))}");

    public T Resource<T>(string name) where T : IResource =>
        Resource(name) is T typed ? typed : throw new InvalidOperationException($"Resource '{name}' is a {Resource(name).GetType().Name}, not a {typeof(T).Name}.");

    public Task<IReadOnlyDictionary<string, string>> EnvironmentAsync(string name) =>
        EnvironmentAsync(name, DistributedApplicationOperation.Publish);

    /// <summary>
    /// The environment as <paramref name="operation"/> evaluates it. In Run mode references resolve to real
    /// values: the endpoints they use must have been allocated first, as DCP does when it starts resources.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string>> EnvironmentAsync(string name, DistributedApplicationOperation operation)
    {
        var configuration = await ExecutionConfigurationBuilder.Create(Resource(name))
            .WithEnvironmentVariablesConfig()
            .BuildAsync(new(operation), NullLogger.Instance, TestContext.Current.CancellationToken);
        Assert.Null(configuration.Exception);
        return configuration.EnvironmentVariables.ToDictionary(e => e.Key, e => e.Value);
    }

    /// <summary>The arguments as <paramref name="operation"/> evaluates them (see <see cref="EnvironmentAsync(string, DistributedApplicationOperation)"/>).</summary>
    public async Task<IReadOnlyList<string>> ArgumentsAsync(string name, DistributedApplicationOperation operation = DistributedApplicationOperation.Publish)
    {
        var configuration = await ExecutionConfigurationBuilder.Create(Resource(name))
            .WithArgumentsConfig()
            .BuildAsync(new(operation), NullLogger.Instance, TestContext.Current.CancellationToken);
        Assert.Null(configuration.Exception);
        return [.. configuration.Arguments.Select(a => a.Value?.ToString() ?? string.Empty)];
    }

    /// <summary>
    /// The health check registered under <paramref name="key"/>, created by its registration the way the application's
    /// health check service creates it (without building the application, which takes seconds).
    /// </summary>
    public IHealthCheck HealthCheck(string key)
    {
        var options = new HealthCheckServiceOptions();
        foreach (var configure in _builder.Services
            .Where(d => d.ServiceType == typeof(IConfigureOptions<HealthCheckServiceOptions>))
            .Select(d => d.ImplementationInstance)
            .OfType<IConfigureOptions<HealthCheckServiceOptions>>())
        {
            configure.Configure(options);
        }

        using var services = new ServiceCollection().BuildServiceProvider();
        return options.Registrations.Single(r => r.Name == key).Factory(services);
    }

    public ValueTask DisposeAsync() => _builder.DisposeAsync();
}
