using System.Globalization;
using CdcPipeline.Capture.Options;
using CdcPipeline.Capture.Records;
using CdcPipeline.Capture.Telemetry;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Microsoft.Extensions.Options;

namespace CdcPipeline.Capture.Publishing;

/// <summary>
/// Creates the topics the capture writes when they are missing, as Kafka Connect's topic creation does for the
/// connector (<c>topic.creation.default.*</c> = <c>Capture:TopicCreation</c>): the change topics, the heartbeat topic,
/// and the offsets topic (one partition, compacted). Existing topics are used as they are. A cluster that refuses
/// (no topic administration, too few brokers for the replication factor, …) is logged and the topics are used as they
/// exist or as the cluster auto-creates them.
/// </summary>
internal sealed class TopicProvisioner(KafkaClients kafka, IOptions<CaptureOptions> options, ILogger<TopicProvisioner> logger)
{
    private const string MinInSyncReplicas = "min.insync.replicas";

    private int _done;

    public async Task EnsureAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _done) == 1)
        {
            return;
        }

        var settings = options.Value;
        var creation = settings.TopicCreation;
        var minInSync = creation.MinInSyncReplicas.ToString(CultureInfo.InvariantCulture);
        var wanted = settings.TableIds
            .Select(t => TopicNames.DataChange(settings.TopicPrefix, t.Schema, t.Name))
            .Append(TopicNames.Heartbeat(settings.TopicPrefix))
            .Select(name => new TopicSpecification
            {
                Name = name,
                NumPartitions = creation.Partitions,
                ReplicationFactor = creation.ReplicationFactor,
                Configs = new Dictionary<string, string> { [MinInSyncReplicas] = minInSync },
            })
            .Append(new TopicSpecification
            {
                Name = settings.OffsetsTopic,
                NumPartitions = 1,
                ReplicationFactor = creation.ReplicationFactor,
                Configs = new Dictionary<string, string> { [MinInSyncReplicas] = minInSync, ["cleanup.policy"] = "compact" },
            })
            .ToList();

        using var admin = new DependentAdminClientBuilder(kafka.Handle).Build();
        var existing = admin.GetMetadata(settings.AdminTimeout).Topics
            .Where(t => !t.Error.IsError && t.Partitions.Count > 0)
            .Select(t => t.Topic)
            .ToHashSet(StringComparer.Ordinal);
        var missing = wanted.Where(w => !existing.Contains(w.Name)).ToList();
        if (missing.Count > 0)
        {
            await CreateAsync(admin, missing, settings.AdminTimeout).ConfigureAwait(false);
        }

        cancellationToken.ThrowIfCancellationRequested();
        Volatile.Write(ref _done, 1);
    }

    private async Task CreateAsync(IAdminClient admin, List<TopicSpecification> missing, TimeSpan timeout)
    {
        try
        {
            await admin.CreateTopicsAsync(missing, new CreateTopicsOptions { RequestTimeout = timeout, OperationTimeout = timeout })
                .ConfigureAwait(false);
            foreach (var topic in missing)
            {
                logger.TopicCreated(topic.Name, topic.NumPartitions, topic.ReplicationFactor);
            }
        }
        catch (CreateTopicsException e)
        {
            foreach (var result in e.Results)
            {
                var topic = missing.First(m => m.Name == result.Topic);
                switch (result.Error.Code)
                {
                    case ErrorCode.NoError:
                        logger.TopicCreated(topic.Name, topic.NumPartitions, topic.ReplicationFactor);
                        break;
                    case ErrorCode.TopicAlreadyExists:
                        break;
                    default:
                        logger.TopicNotCreated(result.Topic, $"{result.Error.Code}: {result.Error.Reason}");
                        break;
                }
            }
        }
        catch (KafkaException e)
        {
            foreach (var topic in missing)
            {
                logger.TopicNotCreated(topic.Name, $"{e.Error.Code}: {e.Error.Reason}");
            }
        }
    }
}
