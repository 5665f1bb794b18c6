using CdcPipeline.Consumer.Hosting;
using CdcPipeline.Consumer.Telemetry;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace CdcPipeline.Consumer.Processing;

/// <summary>
/// Publishes a dead letter, retrying while Kafka does not take it: the event's offset is stored only after its
/// dead letter is durable, so a failure here holds the partition instead of losing the event. Meanwhile the
/// consumer reports unhealthy, naming the partition and the error.
/// </summary>
internal sealed class DeadLetterRetry
{
    private readonly IDeadLetterSink _sink;
    private readonly ResiliencePipeline _pipeline;
    private readonly ConsumerHealth _health;

    public DeadLetterRetry(IDeadLetterSink sink, ConsumerHealth health, TimeProvider timeProvider, ILogger<DeadLetterRetry> logger)
    {
        _sink = sink;
        _health = health;
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
        ConsumeResult<byte[]?, byte[]?> origin, string reason, Exception? error, CancellationToken cancellationToken)
    {
        var partition = $"{origin.Topic} [{origin.Partition.Value}]";
        var failed = false;
        try
        {
            await _pipeline.ExecuteAsync(
                async token =>
                {
                    try
                    {
                        await _sink.PublishAsync(origin, reason, error, token);
                    }
                    catch (Exception exception) when (exception is not OperationCanceledException)
                    {
                        failed = true;
                        _health.DeadLetterFailing(partition, $"{_sink.DeadLetterTopic(origin.Topic)}: {exception.Message}");
                        throw;
                    }
                },
                cancellationToken);
        }
        finally
        {
            if (failed)
            {
                _health.DeadLetterRecovered(partition);
            }
        }
    }
}
