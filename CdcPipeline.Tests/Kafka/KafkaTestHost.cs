using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace CdcPipeline.Tests.Kafka;

/// <summary>A host builder for Kafka integration tests, configured like a service run outside the AppHost.</summary>
internal static class KafkaTestHost
{
    public static HostApplicationBuilder CreateBuilder(IEnumerable<KeyValuePair<string, string?>> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            EnvironmentName = Environments.Development,
        });
        builder.Configuration.AddInMemoryCollection(settings);
        return builder;
    }

    public static HostApplicationBuilder CreateBuilder(string bootstrapServers, params KeyValuePair<string, string?>[] settings) =>
        CreateBuilder([new("ConnectionStrings:kafka", bootstrapServers), .. settings]);
}
