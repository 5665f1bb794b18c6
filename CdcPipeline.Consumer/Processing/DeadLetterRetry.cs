using System.Collections.Concurrent;
using CdcPipeline.Consumer.Telemetry;
using CdcPipeline.ServiceDefaults.Kafka;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Polly;

namespace CdcPipeline.Consumer.Processing;

/// <summary>
/// Publishes a dead letter by <see cref="KafkaDeadLetterPolicy"/>: retried while Kafka may still take it (the event's
/// offset is stored only after its dead letter is durable, so this holds the partition instead of losing the event),
/// thrown when Kafka refuses it for good, which stops the consumer with the reason. Meanwhile <see cref="Failing"/>
/// names the partition and the error, for the health check.
/// </summary>
internal sealed class DeadLetterRetry
{
    private readonly IDeadLetterSink _sink;
    private readonly ResiliencePipeline _pipeline;
    private readonly ConcurrentDictionary<string, string> _failing = new(StringComparer.Ordinal);

    public DeadLetterRetry(IDeadLetterSink sink, TimeProvider timeProvider, ILogger<DeadLetterRetry> logger)
    {
        _sink = sink;
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = timeProvider }
            .AddRetry(KafkaDeadLetterPolicy.RetryOptions(arguments =>
            {
                logger.DeadLetterRetry(arguments.AttemptNumber + 1, arguments.RetryDelay, arguments.Outcome.Exception!.Message);
                return ValueTask.CompletedTask;
            }))
            .Build();
    }

    /// <summary>The partitions whose dead letter is being retried now, by <c>{topic} [{partition}]</c>, with the last error.</summary>
    public IReadOnlyDictionary<string, string> Failing => new SortedDictionary<string, string>(_failing, StringComparer.Ordinal);

    public string DeadLetterTopic(string originTopic) => _sink.DeadLetterTopic(originTopic);

    public async Task PublishAsync(
        ConsumeResult<byte[]?, byte[]?> origin, KafkaDeadLetterReason reason, CancellationToken cancellationToken)
    {
        var partition = $"{origin.Topic} [{origin.Partition.Value}]";
        try
        {
            await _pipeline.ExecuteAsync(
                async token =>
                {
                    try
                    {
                        await _sink.PublishAsync(origin, reason, token);
                    }
                    catch (Exception exception) when (exception is not OperationCanceledException)
                    {
                        _failing[partition] = $"{_sink.DeadLetterTopic(origin.Topic)}: {exception.Message}";
                        throw;
                    }
                },
                cancellationToken);
        }
        finally
        {
            _failing.TryRemove(partition, out _);
        }
    }
}
