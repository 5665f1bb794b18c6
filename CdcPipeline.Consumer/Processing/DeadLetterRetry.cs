using CdcPipeline.Consumer.Telemetry;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace CdcPipeline.Consumer.Processing;

/// <summary>
/// Publishes a dead letter, retrying while Kafka does not take it: the event's offset is stored only after its
/// dead letter is durable, so a failure here holds the partition instead of losing the event.
/// </summary>
internal sealed class DeadLetterRetry
{
    private readonly IDeadLetterSink _sink;
    private readonly ResiliencePipeline _pipeline;

    public DeadLetterRetry(IDeadLetterSink sink, TimeProvider timeProvider, ILogger<DeadLetterRetry> logger)
    {
        _sink = sink;
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = timeProvider }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(exception => exception is not OperationCanceledException),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(200),
                MaxDelay = TimeSpan.FromSeconds(10),
                OnRetry = arguments =>
                {
                    logger.DeadLetterRetry(arguments.AttemptNumber + 1, arguments.RetryDelay, arguments.Outcome.Exception!.Message);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    public string DeadLetterTopic(string originTopic) => _sink.DeadLetterTopic(originTopic);

    public async Task PublishAsync(
        ConsumeResult<byte[]?, byte[]?> origin, string reason, Exception? error, CancellationToken cancellationToken) =>
        await _pipeline.ExecuteAsync(
            async token => await _sink.PublishAsync(origin, reason, error, token), cancellationToken);
}
