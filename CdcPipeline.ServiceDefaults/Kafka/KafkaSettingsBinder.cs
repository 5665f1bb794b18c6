using Confluent.Kafka;
using Microsoft.Extensions.Configuration;

namespace CdcPipeline.ServiceDefaults.Kafka;

internal static class KafkaSettingsBinder
{
    public const string ProducerSection = "Aspire:Confluent:Kafka:Producer";
    public const string ConsumerSection = "Aspire:Confluent:Kafka:Consumer";

    /// <summary>Copies every <c>Config:*</c> entry into the client config under its librdkafka name.</summary>
    public static void BindClientConfig(IConfigurationSection section, ClientConfig config)
    {
        foreach (var entry in section.GetSection("Config").GetChildren())
        {
            if (entry.Value is not null)
            {
                config.Set(entry.Key, entry.Value);
            }
        }
    }

    /// <summary>The connection string wins over a configured <c>bootstrap.servers</c>, as in Aspire.</summary>
    public static void ApplyConnectionString(string? connectionString, ClientConfig config)
    {
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            config.BootstrapServers = connectionString;
        }
    }

    public static void Validate(ClientConfig config, string connectionName, string sectionName)
    {
        if (string.IsNullOrWhiteSpace(config.BootstrapServers))
        {
            throw new InvalidOperationException(
                $"Kafka client '{connectionName}' has no bootstrap servers: set 'ConnectionStrings:{connectionName}' " +
                $"(environment ConnectionStrings__{connectionName}) or '{sectionName}:Config:bootstrap.servers'.");
        }
    }
}
