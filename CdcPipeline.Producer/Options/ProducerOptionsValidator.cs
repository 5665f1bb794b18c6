using System.Globalization;
using CdcPipeline.ServiceDefaults.Kafka;
using Microsoft.Extensions.Options;

namespace CdcPipeline.Producer.Options;

/// <summary>Checks the <c>Producer</c> section on start; every failure names the setting to fix.</summary>
internal sealed class ProducerOptionsValidator(KafkaProducerSettings kafka) : IValidateOptions<ProducerOptions>
{
    private const string KafkaConfig = "Aspire:Confluent:Kafka:Producer:Config";

    /// <summary>librdkafka's own default of <c>message.timeout.ms</c>.</summary>
    private const int LibrdkafkaMessageTimeoutMs = 300_000;

    private const string Section = ProducerOptions.SectionName;
    private const int MaxEventsPerSecond = 1_000_000;

    public ValidateOptionsResult Validate(string? name, ProducerOptions options)
    {
        var failures = new List<string>();

        if (options.Users < 0)
        {
            failures.Add($"{Section}:Users must be 0 or more (found {options.Users}).");
        }

        if (options.Orders < 0)
        {
            failures.Add($"{Section}:Orders must be 0 or more (found {options.Orders}).");
        }

        if (options.Orders > 0 && options.Users <= 0)
        {
            failures.Add($"{Section}:Orders is {options.Orders} but {Section}:Users is {options.Users}: orders reference users created in the same run, so {Section}:Users must be at least 1.");
        }

        if (options.Mode == ProducerMode.Continuous)
        {
            if (options.EventsPerSecond is < 1 or > MaxEventsPerSecond)
            {
                failures.Add($"{Section}:EventsPerSecond must be between 1 and {MaxEventsPerSecond} (found {options.EventsPerSecond}).");
            }

            if (options.Users <= 0)
            {
                failures.Add($"{Section}:Users must be at least 1 in continuous mode: Users:Orders is the ratio between the topics and orders need users.");
            }
        }

        RequirePositive(failures, "ProgressInterval", options.ProgressInterval);
        RequirePositive(failures, "AdminTimeout", options.AdminTimeout);
        RequirePositive(failures, "FlushTimeout", options.FlushTimeout);
        ValidateFlushAfterDeliveryTimeout(failures, options.FlushTimeout);
        ValidateTopic(failures, "Users", options.Topics.Users);
        ValidateTopic(failures, "Orders", options.Topics.Orders);

        if (string.Equals(options.Topics.Users.Name, options.Topics.Orders.Name, StringComparison.Ordinal))
        {
            failures.Add($"{Section}:Topics:Users:Name and {Section}:Topics:Orders:Name must differ (both are '{options.Topics.Users.Name}').");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>An event still retried by the client when the final flush gives up would count as lost.</summary>
    private void ValidateFlushAfterDeliveryTimeout(List<string> failures, TimeSpan flushTimeout)
    {
        var (setting, value) = kafka.Config.Get("message.timeout.ms") is { } message
            ? ("message.timeout.ms", message)
            : ("delivery.timeout.ms", kafka.Config.Get("delivery.timeout.ms"));
        var deliveryTimeoutMs = int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms)
            ? ms
            : LibrdkafkaMessageTimeoutMs;
        if (flushTimeout > TimeSpan.Zero && flushTimeout <= TimeSpan.FromMilliseconds(deliveryTimeoutMs))
        {
            failures.Add(
                $"{Section}:FlushTimeout ({flushTimeout}) must exceed the Kafka delivery timeout {KafkaConfig}:{setting} " +
                $"({deliveryTimeoutMs} ms): events still being retried when the final flush ends would count as lost. " +
                $"Raise {Section}:FlushTimeout or lower {KafkaConfig}:{setting}.");
        }
    }

    private static void RequirePositive(List<string> failures, string setting, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            failures.Add($"{Section}:{setting} must be a positive duration such as 00:00:05 (found {value}).");
        }
    }

    private static void ValidateTopic(List<string> failures, string key, TopicOptions topic)
    {
        var prefix = $"{Section}:Topics:{key}";
        if (string.IsNullOrWhiteSpace(topic.Name))
        {
            failures.Add($"{prefix}:Name must not be empty.");
        }
        else if (topic.Name.Length > 249 || !topic.Name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-') || topic.Name is "." or "..")
        {
            failures.Add($"{prefix}:Name '{topic.Name}' is not a valid Kafka topic name (ASCII letters, digits, '.', '_', '-'; at most 249 characters).");
        }

        if (topic.Partitions < 1)
        {
            failures.Add($"{prefix}:Partitions must be at least 1 (found {topic.Partitions}).");
        }

        if (topic.ReplicationFactor < 1)
        {
            failures.Add($"{prefix}:ReplicationFactor must be at least 1 (found {topic.ReplicationFactor}).");
        }
    }
}
