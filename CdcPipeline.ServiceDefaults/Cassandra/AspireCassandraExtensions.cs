using CdcPipeline.ServiceDefaults.Cassandra;
using CdcPipeline.ServiceDefaults.Settings;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.Hosting;

/// <summary>Registers a <see cref="CqlSession"/> from a connection name, in the shape of Aspire's client integrations.</summary>
public static class AspireCassandraExtensions
{
    /// <summary>
    /// Registers a singleton <see cref="CqlSession"/> (connecting lazily, so the service starts while Cassandra is away)
    /// and its health check. Settings come from <c>Aspire:Cassandra:Client</c>, then <c>ConnectionStrings:{connectionName}</c>,
    /// then <paramref name="configureSettings"/>.
    /// </summary>
    public static void AddCassandraSession(
        this IHostApplicationBuilder builder,
        string connectionName,
        Action<CassandraClientSettings>? configureSettings = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(connectionName);

        var settings = new CassandraClientSettings();
        SettingValues.Bind(builder.Configuration.GetSection(CassandraClientSettings.ConfigurationSection), settings);
        if (builder.Configuration.GetConnectionString(connectionName) is { } connectionString)
        {
            settings.ConnectionString = connectionString;
        }

        settings.ApplyConnectionString(connectionName);
        var connectionStringBefore = settings.ConnectionString;
        configureSettings?.Invoke(settings);
        if (!string.Equals(settings.ConnectionString, connectionStringBefore, StringComparison.Ordinal))
        {
            // The delegate supplied its own connection string: that is what it asks for.
            settings.ApplyConnectionString(connectionName);
        }
        settings.Validate(connectionName);

        builder.Services.AddSingleton(settings);
        builder.Services.AddMetrics();
        builder.Services.TryAddSingleton<CassandraTelemetry>();
        builder.Services.AddSingleton(services => new CqlSession(
            settings, services.GetRequiredService<ILogger<CqlSession>>(), services.GetRequiredService<CassandraTelemetry>()));

        if (!settings.DisableHealthChecks)
        {
            builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
                $"cassandra-{connectionName}",
                services => new CqlHealthCheck(services.GetRequiredService<CqlSession>()),
                failureStatus: HealthStatus.Unhealthy,
                tags: ["ready"],
                timeout: settings.RequestTimeout + settings.ConnectTimeout));
        }
    }
}
