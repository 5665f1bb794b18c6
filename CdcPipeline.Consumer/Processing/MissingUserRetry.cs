using CdcPipeline.Consumer.Options;
using CdcPipeline.Consumer.Persistence;
using CdcPipeline.Consumer.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace CdcPipeline.Consumer.Processing;

/// <summary>
/// The retry schedule of parked orders (users and orders are separate topics, so an order may come first): each
/// <see cref="ParkCohort"/> is attempted again with Polly's exponential backoff with jitter, from
/// <c>Consumer:MissingUserRetryDelay</c> up to <c>Consumer:MissingUserRetryMaxDelay</c>, until all its keys have
/// applied or <c>Consumer:MissingUserRetryBudget</c> is spent (<see cref="MissingUserBudgetClock"/>: counted once the
/// users topic has caught up with where it stood at parking, while PostgreSQL is reachable; the users topic is
/// asked at each attempt until then); what still waits then is dead-lettered by the worker, at the first attempt
/// after the budget. One pipeline serves every cohort.
/// A stopping worker cancels the wait: nothing is dead-lettered, the parked events are redelivered.
/// </summary>
internal sealed class MissingUserRetry
{
    private static readonly ResiliencePropertyKey<ParkCohort> CohortKey = new("cdc.parked-cohort");

    private readonly ResiliencePipeline<bool> _pipeline;
    private readonly DatabaseRetry _databaseRetry;
    private readonly UsersTopicProgress _usersTopic;
    private readonly ILogger<MissingUserRetry> _logger;

    public MissingUserRetry(
        DatabaseRetry databaseRetry, UsersTopicProgress usersTopic, IOptions<ConsumerOptions> options, TimeProvider timeProvider,
        ILogger<MissingUserRetry> logger)
    {
        _databaseRetry = databaseRetry;
        _usersTopic = usersTopic;
        _logger = logger;
        var settings = options.Value;
        Budget = settings.MissingUserRetryBudget;
        _pipeline = new ResiliencePipelineBuilder<bool> { TimeProvider = timeProvider }
            .AddRetry(new RetryStrategyOptions<bool>
            {
                ShouldHandle = arguments => ValueTask.FromResult(
                    arguments.Outcome is { Exception: null, Result: false }
                    && WithinBudget(Cohort(arguments.Context))),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = settings.MissingUserRetryDelay,
                MaxDelay = settings.MissingUserRetryMaxDelay,
                OnRetry = arguments =>
                {
                    var cohort = Cohort(arguments.Context);
                    logger.AwaitingUsers(cohort.Keys.Count, cohort.Topic, cohort.Partition, arguments.AttemptNumber + 1, arguments.RetryDelay);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    /// <summary><c>Consumer:MissingUserRetryBudget</c>; zero dead-letters a waiting order at once (nothing is parked).</summary>
    public TimeSpan Budget { get; }

    /// <summary>
    /// Attempts the cohort on schedule until <paramref name="attempt"/> reports that its keys have all applied (true)
    /// or the budget is spent (false). The batch that parked the cohort was its first attempt.
    /// </summary>
    public async Task<bool> WaitAsync(
        ParkCohort cohort, Func<ParkCohort, CancellationToken, Task<bool>> attempt, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(CohortKey, cohort);
        try
        {
            return await _pipeline.ExecuteAsync(
                async (ctx, state) => state.Cohort.Attempts++ > 0 && await state.Attempt(state.Cohort, ctx.CancellationToken),
                context,
                (Cohort: cohort, Attempt: attempt));
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>
    /// Starts the cohort's clock once the users topic has caught up with its mark (read first, at its first retry); once
    /// the budget is spent, waits until the users topic has caught up with where it stood then.
    /// </summary>
    private bool WithinBudget(ParkCohort cohort)
    {
        var clock = cohort.Clock;
        if (!clock.Started)
        {
            clock.Mark ??= _usersTopic.ReadMark();
            if (clock.Mark is { } mark && _usersTopic.HasReached(mark) == true)
            {
                clock.Start(_databaseRetry.Unavailable);
                _logger.MissingUserBudgetStarted(cohort.Keys.Count, cohort.Topic, cohort.Partition, Budget);
            }
        }

        if (clock.Spent(_databaseRetry.Unavailable) < Budget)
        {
            return true;
        }

        // Spent: what reached the users topic meanwhile is consumed before the orders give up.
        clock.FinalMark ??= _usersTopic.ReadMark();
        return clock.FinalMark is not { } final || _usersTopic.HasReached(final) != true;
    }

    private static ParkCohort Cohort(ResilienceContext context) => context.Properties.GetValue(CohortKey, null!);
}
