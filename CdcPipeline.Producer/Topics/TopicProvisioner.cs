using CdcPipeline.Producer.Options;
using CdcPipeline.Producer.Telemetry;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Microsoft.Extensions.Options;

namespace CdcPipeline.Producer.Topics;

/// <summary>
/// Ensures the Producer's topics before it sends: creates missing ones with their partitions, replication factor
/// and <c>min.insync.replicas</c> (the factor is lowered, with a warning, only when the cluster refuses it and has
/// fewer brokers), warns about existing topics with fewer replicas than configured, and refuses a topic with fewer partitions
/// than configured, since keys would then land on other partitions than its consumers expect.
/// </summary>
internal sealed class TopicProvisioner(
    IProducer<string, byte[]> producer,
    IOptions<ProducerOptions> options,
    ILogger<TopicProvisioner> logger)
{
    private static readonly TimeSpan MetadataPollInterval = TimeSpan.FromMilliseconds(250);

    public async Task EnsureTopicsAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var wanted = new[]
        {
            (Setting: $"{ProducerOptions.SectionName}:Topics:Users", Topic: settings.Topics.Users),
            (Setting: $"{ProducerOptions.SectionName}:Topics:Orders", Topic: settings.Topics.Orders),
        };

        using var admin = new DependentAdminClientBuilder(producer.Handle).Build();
        var metadata = ReadMetadata(admin, settings.AdminTimeout);
        var missing = wanted.Where(w => FindTopic(metadata, w.Topic.Name) is null).ToList();
        foreach (var (setting, topic) in wanted)
        {
            if (FindTopic(metadata, topic.Name) is { } existing)
            {
                WarnIfUnderReplicated(existing, topic, setting);
            }
        }

        var mayPropagate = false;
        if (missing.Count > 0)
        {
            mayPropagate = await CreateTopicsAsync(admin, missing, settings.AdminTimeout).ConfigureAwait(false);
        }

        var waitForCreation = mayPropagate ? settings.AdminTimeout : TimeSpan.Zero;
        await VerifyPartitionsAsync(admin, wanted.Select(w => (w.Setting, w.Topic)).ToList(), settings.AdminTimeout, waitForCreation, cancellationToken)
            .ConfigureAwait(false);
    }

    private void WarnIfUnderReplicated(TopicMetadata existing, TopicOptions topic, string setting)
    {
        var replicas = existing.Partitions.Min(p => p.Replicas.Length);
        if (replicas < topic.ReplicationFactor)
        {
            logger.ExistingTopicUnderReplicated(topic.Name, replicas, setting, topic.ReplicationFactor);
        }
    }

    /// <summary>
    /// Creates the topics with the configured replication factor; only when the cluster refuses it and really has
    /// fewer brokers is it lowered (with a warning). False when the broker offers no topic administration.
    /// </summary>
    private async Task<bool> CreateTopicsAsync(IAdminClient admin, List<(string Setting, TopicOptions Topic)> missing, TimeSpan timeout)
    {
        var specifications = missing.Select(w => TopicSpecifications.For(w.Topic, w.Topic.ReplicationFactor)).ToList();
        var outcome = await TryCreateTopicsAsync(admin, specifications, timeout).ConfigureAwait(false);
        if (outcome.TooFewBrokers.Count == 0)
        {
            return outcome.Created;
        }

        var brokers = await CountBrokersAsync(admin, timeout).ConfigureAwait(false);
        var retry = new List<TopicSpecification>();
        foreach (var refused in outcome.TooFewBrokers)
        {
            var (setting, topic) = missing.First(w => w.Topic.Name == refused.Name);
            if (brokers is not { } count || count >= topic.ReplicationFactor)
            {
                throw new TopicProvisioningException(
                    $"Topic '{topic.Name}' could not be created with replication factor {topic.ReplicationFactor} ({setting}:ReplicationFactor): " +
                    $"the cluster refused it ({refused.Reason}) although it has {brokers?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "an unknown number of"} broker(s). Start the missing brokers or lower the setting.");
            }

            var lowered = (short)Math.Max(1, count);
            logger.ReplicationFactorLowered(topic.Name, topic.ReplicationFactor, setting, count, lowered);
            retry.Add(TopicSpecifications.For(topic, lowered));
        }

        var second = await TryCreateTopicsAsync(admin, retry, timeout).ConfigureAwait(false);
        if (second.TooFewBrokers.FirstOrDefault() is { } stillRefused)
        {
            throw new TopicProvisioningException(
                $"Topic '{stillRefused.Name}' could not be created even with a lowered replication factor: {stillRefused.Reason}");
        }

        return outcome.Created || second.Created;
    }

    private static async Task<int?> CountBrokersAsync(IAdminClient admin, TimeSpan timeout)
    {
        try
        {
            var cluster = await admin.DescribeClusterAsync(new DescribeClusterOptions { RequestTimeout = timeout }).ConfigureAwait(false);
            return cluster.Nodes.Count;
        }
        catch (KafkaException)
        {
            return null;
        }
    }

    private sealed record CreationOutcome(bool Created, List<(string Name, string Reason)> TooFewBrokers);

    /// <summary>Creates the topics; reports those refused for their replication factor instead of throwing.</summary>
    private async Task<CreationOutcome> TryCreateTopicsAsync(IAdminClient admin, List<TopicSpecification> specifications, TimeSpan timeout)
    {
        var created = false;
        var tooFewBrokers = new List<(string Name, string Reason)>();
        try
        {
            await admin.CreateTopicsAsync(
                specifications,
                new CreateTopicsOptions { RequestTimeout = timeout, OperationTimeout = timeout }).ConfigureAwait(false);
            foreach (var specification in specifications)
            {
                logger.TopicCreated(specification.Name, specification.NumPartitions, specification.ReplicationFactor);
            }

            return new CreationOutcome(true, tooFewBrokers);
        }
        catch (CreateTopicsException e)
        {
            foreach (var result in e.Results)
            {
                var specification = specifications.First(s => s.Name == result.Topic);
                switch (result.Error.Code)
                {
                    case ErrorCode.NoError:
                        logger.TopicCreated(specification.Name, specification.NumPartitions, specification.ReplicationFactor);
                        created = true;
                        break;
                    case ErrorCode.TopicAlreadyExists:
                        logger.TopicCreatedElsewhere(result.Topic);
                        created = true;
                        break;
                    case ErrorCode.InvalidReplicationFactor:
                        tooFewBrokers.Add((result.Topic, result.Error.Reason));
                        break;
                    case var code when IsAdministrationUnsupported(code):
                        logger.AdministrationUnsupported(result.Topic, result.Error.Reason);
                        break;
                    default:
                        throw new TopicProvisioningException(
                            $"Topic '{result.Topic}' could not be created with {specification.NumPartitions} partitions and replication factor {specification.ReplicationFactor}: {result.Error.Code} {result.Error.Reason}",
                            e);
                }
            }

            return new CreationOutcome(created, tooFewBrokers);
        }
        catch (KafkaException e) when (IsAdministrationUnsupported(e.Error.Code))
        {
            foreach (var specification in specifications)
            {
                logger.AdministrationUnsupported(specification.Name, e.Error.Reason);
            }

            return new CreationOutcome(false, tooFewBrokers);
        }
    }

    /// <summary>Waits up to <paramref name="waitForCreation"/> for every topic to appear in the metadata, then checks partitions.</summary>
    private async Task VerifyPartitionsAsync(
        IAdminClient admin,
        List<(string Setting, TopicOptions Topic)> wanted,
        TimeSpan timeout,
        TimeSpan waitForCreation,
        CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + waitForCreation;
        while (true)
        {
            var metadata = ReadMetadata(admin, timeout);
            var absent = wanted.Where(w => FindTopic(metadata, w.Topic.Name) is null).ToList();
            if (absent.Count == 0)
            {
                foreach (var (setting, topic) in wanted)
                {
                    CheckPartitions(FindTopic(metadata, topic.Name)!, topic, setting);
                }

                return;
            }

            if (DateTimeOffset.UtcNow >= deadline)
            {
                var names = string.Join(", ", absent.Select(a => $"'{a.Topic.Name}' ({a.Setting}:Name)"));
                throw new TopicProvisioningException(
                    $"Topic(s) {names} do not exist and could not be created; create them with the configured partitions, or allow topic creation on the cluster.");
            }

            await Task.Delay(MetadataPollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    private void CheckPartitions(TopicMetadata metadata, TopicOptions topic, string setting)
    {
        var found = metadata.Partitions.Count;
        if (found < topic.Partitions)
        {
            throw new TopicProvisioningException(
                $"Topic '{topic.Name}' has {found} partition(s) but {setting}:Partitions wants {topic.Partitions}. " +
                "Add partitions to the topic or lower the setting; events are not sent to a topic with fewer partitions than configured.");
        }

        if (found > topic.Partitions)
        {
            logger.MorePartitionsThanConfigured(topic.Name, found, setting, topic.Partitions);
        }

        logger.TopicReady(topic.Name, found);
    }

    private static Metadata ReadMetadata(IAdminClient admin, TimeSpan timeout)
    {
        try
        {
            return admin.GetMetadata(timeout);
        }
        catch (KafkaException e)
        {
            throw new TopicProvisioningException(
                $"Could not read the cluster's metadata within {timeout} ({ProducerOptions.SectionName}:AdminTimeout): {e.Error.Code} {e.Error.Reason}. " +
                "Check that the brokers of ConnectionStrings:kafka are reachable.",
                e);
        }
    }

    private static TopicMetadata? FindTopic(Metadata metadata, string name) =>
        metadata.Topics.FirstOrDefault(t => t.Topic == name && t.Error.Code != ErrorCode.UnknownTopicOrPart && t.Partitions.Count > 0);

    private static bool IsAdministrationUnsupported(ErrorCode code) =>
        code is ErrorCode.Local_UnsupportedFeature or ErrorCode.UnsupportedVersion;
}
