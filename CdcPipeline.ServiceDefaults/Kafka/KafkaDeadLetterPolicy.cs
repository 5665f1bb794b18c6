using Confluent.Kafka;
using Polly;
using Polly.Retry;

namespace CdcPipeline.ServiceDefaults.Kafka;

/// <summary>
/// The one rule every service applies when a dead letter does not reach Kafka. The original's offset waits for its
/// dead letter, so skipping it is never an option: a failure Kafka may get over (broker down, leader moving, a
/// timeout) is retried, with exponential backoff and jitter, for as long as it lasts; a refusal for good (too large
/// even when truncated, not authorized, an invalid topic, a fatal producer error) and a failure that is not Kafka's
/// are not retried, and the service stops with the reason.
/// </summary>
public static class KafkaDeadLetterPolicy
{
    /// <summary>The first retry's delay: doubled, with jitter, up to <see cref="MaxDelay"/>.</summary>
    public static readonly TimeSpan InitialDelay = TimeSpan.FromMilliseconds(200);

    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(10);

    /// <summary>A failure to retry: Kafka may take the dead letter later.</summary>
    public static bool IsTransient(Exception error) =>
        error is TimeoutException || (KafkaError(error) is { } kafka && !IsRefusal(kafka));

    /// <summary>The error code when Kafka refuses the dead letter for good; null for any other failure.</summary>
    public static ErrorCode? Refusal(Exception error) =>
        KafkaError(error) is { } kafka && IsRefusal(kafka) ? kafka.Code : null;

    /// <summary>
    /// Polly's retry of a dead-letter publish by this policy, until it succeeds or the caller cancels;
    /// <paramref name="onRetry"/> reports each failure (health, logs).
    /// </summary>
    public static RetryStrategyOptions RetryOptions(Func<OnRetryArguments<object>, ValueTask> onRetry) => new()
    {
        ShouldHandle = arguments => ValueTask.FromResult(
            arguments.Outcome.Exception is { } error
            && !arguments.Context.CancellationToken.IsCancellationRequested
            && IsTransient(error)),
        MaxRetryAttempts = int.MaxValue,
        BackoffType = DelayBackoffType.Exponential,
        UseJitter = true,
        Delay = InitialDelay,
        MaxDelay = MaxDelay,
        OnRetry = onRetry,
    };

    private static Error? KafkaError(Exception error) => error switch
    {
        KafkaException kafka => kafka.Error,
        { InnerException: KafkaException kafka } => kafka.Error,
        _ => null,
    };

    private static bool IsRefusal(Error error) => error.IsFatal || error.Code is
        ErrorCode.MsgSizeTooLarge or ErrorCode.RecordListTooLarge
        or ErrorCode.TopicAuthorizationFailed or ErrorCode.ClusterAuthorizationFailed or ErrorCode.TransactionalIdAuthorizationFailed
        or ErrorCode.TopicException or ErrorCode.InvalidRecord or ErrorCode.PolicyViolation or ErrorCode.InvalidRequiredAcks
        or ErrorCode.UnsupportedForMessageFormat or ErrorCode.SaslAuthenticationFailed or ErrorCode.Local_Authentication
        or ErrorCode.Local_InvalidArg;
}
