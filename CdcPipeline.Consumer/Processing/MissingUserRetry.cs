using CdcPipeline.Consumer.Decoding;
using CdcPipeline.Consumer.Options;
using CdcPipeline.Consumer.Persistence;
using CdcPipeline.Consumer.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace CdcPipeline.Consumer.Processing;

/// <summary>
/// Orders whose user has not arrived yet (users and orders are separate topics): retried with exponential backoff
/// and jitter until they apply or <c>Consumer:MissingUserRetryBudget</c> is spent; the partition waits no longer
/// than that. Only time while PostgreSQL is reachable counts against the budget (during an outage the users cannot
/// arrive). What is still waiting then is marked for the dead-letter topic with the reason. When the worker stops
/// (shutdown, revoke) the wait ends without dead-lettering: what still waits is marked deferred and redelivered.
/// </summary>
internal sealed class MissingUserRetry(
    ChangeApplier applier,
    DatabaseRetry databaseRetry,
    IOptions<ConsumerOptions> options,
    TimeProvider timeProvider,
    ILogger<MissingUserRetry> logger)
{
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(5);

    private readonly ConsumerOptions _options = options.Value;

    public async Task ApplyAsync(
        IChangeWriter writer, IReadOnlyList<InboundEvent> awaiting, CancellationToken stopping, CancellationToken cancellationToken)
    {
        var budget = _options.MissingUserRetryBudget;
        var started = timeProvider.GetTimestamp();
        var unavailable = TimeSpan.Zero;
        TimeSpan Spent() => timeProvider.GetElapsedTime(started) - unavailable;
        var pending = awaiting;
        if (budget > TimeSpan.Zero)
        {
            var pipeline = new ResiliencePipelineBuilder<bool> { TimeProvider = timeProvider }
                .AddRetry(new RetryStrategyOptions<bool>
                {
                    ShouldHandle = arguments => ValueTask.FromResult(
                        arguments.Outcome is { Exception: null, Result: false } && Spent() < budget),
                    MaxRetryAttempts = int.MaxValue,
                    DelayGenerator = arguments => ValueTask.FromResult<TimeSpan?>(
                        NextDelay(arguments.AttemptNumber, budget - Spent())),
                    OnRetry = arguments =>
                    {
                        var first = pending[0].Message;
                        logger.AwaitingUsers(pending.Count, first.Topic, first.Partition.Value, arguments.AttemptNumber + 1, arguments.RetryDelay);
                        return ValueTask.CompletedTask;
                    },
                })
                .Build();

            using var waiting = CancellationTokenSource.CreateLinkedTokenSource(stopping, cancellationToken);
            try
            {
                await pipeline.ExecuteAsync(
                    async token =>
                    {
                        var changes = pending.Select(inbound => inbound.Change!).ToArray();
                        var result = await databaseRetry.ExecuteAsync(
                            attemptToken => applier.ApplyAsync(writer, changes, ChangeApplier.NoAwaitingKeys, attemptToken), token,
                            outage => unavailable += outage);
                        PartitionBatchProcessor.Record(pending, result);
                        pending = result.AwaitingUser.Select(index => pending[index]).ToArray();
                        return pending.Count == 0;
                    },
                    waiting.Token);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                foreach (var inbound in pending)
                {
                    inbound.MarkDeferred();
                }

                var first = pending[0].Message;
                logger.AwaitingUsersDeferred(pending.Count, first.Topic, first.Partition.Value, first.Offset.Value);
                return;
            }
        }

        var budgetText = $"{budget} (Consumer:MissingUserRetryBudget)";
        foreach (var inbound in pending)
        {
            var change = (OrderChange)inbound.Change!;
            inbound.MarkFailed("missing-user", change.UserId is { } userId
                ? $"user {userId} of order {change.OrderId} did not arrive within {budgetText}"
                : $"order {change.OrderId} was never created: its CREATE waited for a user that did not arrive within {budgetText}");
        }
    }

    private TimeSpan NextDelay(int attempt, TimeSpan remaining)
    {
        var exponential = _options.MissingUserRetryDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 20));
        var jittered = Math.Min(exponential, MaxDelay.TotalMilliseconds) * (0.8 + (Random.Shared.NextDouble() * 0.4));
        var delay = TimeSpan.FromMilliseconds(jittered);
        return remaining <= TimeSpan.Zero ? TimeSpan.Zero : delay > remaining ? remaining : delay;
    }
}
