using CdcPipeline.ServiceDefaults.Outages;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

public static class DependencyOutagesExtensions
{
    /// <summary>Registers the process's one <see cref="DependencyOutages"/> (with the registered TimeProvider, else the system's).</summary>
    public static IServiceCollection AddDependencyOutages(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(provider => new DependencyOutages(
            provider.GetRequiredService<ILoggerFactory>(), provider.GetService<TimeProvider>() ?? TimeProvider.System));
        return services;
    }
}
