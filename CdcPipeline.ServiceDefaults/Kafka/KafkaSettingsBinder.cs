using CdcPipeline.ServiceDefaults.Settings;
using Confluent.Kafka;
using Microsoft.Extensions.Configuration;

namespace CdcPipeline.ServiceDefaults.Kafka;

/// <summary>
/// Builds client settings in the Aspire order (each later source wins): the configuration section with its
/// <c>Config:&lt;librdkafka.name&gt;</c> entries, then <c>ConnectionStrings:{name}</c>, then the caller's delegate;
/// and validates the result with messages that name the setting to fix.
/// </summary>
internal static class KafkaSettingsBinder
{
    public const string ProducerSection = "Aspire:Confluent:Kafka:Producer";
    public const string ConsumerSection = "Aspire:Confluent:Kafka:Consumer";
    public const string DeadLetterSection = "Aspire:Confluent:Kafka:DeadLetter";

    /// <summary>
    /// Binds <paramref name="settings"/> from <paramref name="sectionName"/> and the connection string, runs the
    /// delegate, and leaves the effective bootstrap servers in both <c>ConnectionString</c> and the client config.
    /// </summary>
    public static TSettings Bind<TSettings>(
        IConfiguration configuration,
        string sectionName,
        string connectionName,
        TSettings settings,
        ClientConfig config,
        Func<TSettings, string?> getConnectionString,
        Action<TSettings, string?> setConnectionString,
        Action<TSettings>? configure)
    {
        var section = configuration.GetSection(sectionName);
        BindWithoutConfig(section, settings);
        foreach (var entry in section.GetSection("Config").GetChildren())
        {
            if (entry.Value is not null)
            {
                config.Set(entry.Key, entry.Value);
            }
        }

        var fromSection = getConnectionString(settings);
        if (!string.IsNullOrWhiteSpace(fromSection))
        {
            config.BootstrapServers = fromSection.Trim();
        }

        if (configuration.GetConnectionString(connectionName) is { } connectionString && !string.IsNullOrWhiteSpace(connectionString))
        {
            config.BootstrapServers = connectionString.Trim();
        }

        setConnectionString(settings, config.BootstrapServers);
        var before = getConnectionString(settings);
        configure?.Invoke(settings);
        var after = getConnectionString(settings);
        if (after != before && !string.IsNullOrWhiteSpace(after))
        {
            config.BootstrapServers = after.Trim();
        }

        setConnectionString(settings, config.BootstrapServers);
        return settings;
    }

    /// <summary>
    /// Binds the settings' own properties (connection string, switches, topic suffix) but not <c>Config</c>: the
    /// binder would convert its entries into the typed properties of the librdkafka config (an enum conversion
    /// that fails for values such as <c>partitioner=murmur2_random</c>); the raw entries are set by name instead.
    /// </summary>
    private static void BindWithoutConfig<TSettings>(IConfigurationSection section, TSettings settings)
    {
        var own = section.AsEnumerable(makePathsRelative: true)
            .Where(entry => entry.Value is not null && !IsConfigEntry(entry.Key));
        new ConfigurationBuilder().AddInMemoryCollection(own).Build().Bind(settings);
    }

    private static bool IsConfigEntry(string key) =>
        key.Equals("Config", StringComparison.OrdinalIgnoreCase)
        || key.StartsWith("Config" + ConfigurationPath.KeyDelimiter, StringComparison.OrdinalIgnoreCase);

    public static void ValidateConnection(ClientConfig config, string connectionName, string sectionName, string role)
    {
        if (string.IsNullOrWhiteSpace(config.BootstrapServers))
        {
            throw new InvalidSettingException(
                $"Kafka {role} '{connectionName}' has no bootstrap servers: set 'ConnectionStrings:{connectionName}' " +
                $"(environment ConnectionStrings__{connectionName}) or '{sectionName}:Config:bootstrap.servers'.");
        }

        foreach (var server in config.BootstrapServers.Split(',', StringSplitOptions.TrimEntries))
        {
            var colon = server.LastIndexOf(':');
            var host = colon < 0 ? server : server[..colon];
            var portValid = colon < 0 || (int.TryParse(server[(colon + 1)..], out var port) && port is >= 1 and <= 65535);
            if (host.Length == 0 || host.Any(char.IsWhiteSpace) || !portValid)
            {
                throw new InvalidSettingException(
                    $"Kafka {role} '{connectionName}' has an invalid bootstrap server '{server}' in " +
                    $"'{config.BootstrapServers}': expected host:port[,host:port...] in 'ConnectionStrings:{connectionName}' " +
                    $"or '{sectionName}:Config:bootstrap.servers'.");
            }
        }
    }

    public static void ValidateConsumer(ConsumerConfig config, string connectionName, string sectionName)
    {
        ValidateConnection(config, connectionName, sectionName, "consumer");
        if (string.IsNullOrWhiteSpace(config.GroupId))
        {
            throw new InvalidSettingException(
                $"Kafka consumer '{connectionName}' has no consumer group: set '{sectionName}:Config:group.id' " +
                "or KafkaConsumerSettings.Config.GroupId in AddKafkaConsumer.");
        }
    }

    /// <summary>Turns librdkafka's refusal of a property into a message that says where it was configured.</summary>
    public static InvalidSettingException InvalidConfig(string role, string connectionName, string sectionName, Exception error) =>
        new($"Kafka {role} '{connectionName}' could not be created from its configuration ('{sectionName}:Config' and " +
            $"the registration's delegate): {error.Message}", error);
}
