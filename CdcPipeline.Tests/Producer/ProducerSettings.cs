namespace CdcPipeline.Tests.Producer;

/// <summary>Settings of one Producer run against a test cluster, with topics no other test uses.</summary>
internal sealed class ProducerSettings
{
    public ProducerSettings(string bootstrapServers)
    {
        Values = new Dictionary<string, string?>
        {
            ["ConnectionStrings:kafka"] = bootstrapServers,
            ["Producer:Topics:Users:Name"] = UsersTopic,
            ["Producer:Topics:Orders:Name"] = OrdersTopic,
            ["Producer:AdminTimeout"] = "00:00:15",
            ["Producer:ProgressInterval"] = "00:00:01",
            ["Aspire:Confluent:Kafka:Producer:Config:linger.ms"] = "1",
        };
    }

    public string UsersTopic { get; } = Infrastructure.Kafka.KafkaFixture.UniqueTopic("users");

    public string OrdersTopic { get; } = Infrastructure.Kafka.KafkaFixture.UniqueTopic("orders");

    public Dictionary<string, string?> Values { get; }

    public ProducerSettings With(string key, string? value)
    {
        Values[key] = value;
        return this;
    }
}
