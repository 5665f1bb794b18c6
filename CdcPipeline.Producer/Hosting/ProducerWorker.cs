using System.Diagnostics;
using System.Threading.Channels;
using System.Threading.RateLimiting;
using CdcPipeline.Producer.Delivery;
using CdcPipeline.Producer.Generation;
using CdcPipeline.Producer.Options;
using CdcPipeline.Producer.Telemetry;
using CdcPipeline.Producer.Topics;
using Confluent.Kafka;
using Microsoft.Extensions.Options;

namespace CdcPipeline.Producer.Hosting;

/// <summary>
/// Ensures the topics, then sends generated events (<c>once</c>: the configured counts; <c>continuous</c>: at the
/// configured rate until stopped), flushes, logs a summary and stops the application with a non-zero exit code
/// if any event was not delivered.
/// </summary>
internal sealed class ProducerWorker(
    IOptions<ProducerOptions> options,
    TopicProvisioner topics,
    EventSender sender,
    ProgressReporter progressReporter,
    TimeProvider clock,
    ProducerRunOutcome outcome,
    IHostApplicationLifetime lifetime,
    ILogger<ProducerWorker> logger) : BackgroundService
{
    private const int GeneratedAhead = 1024;

    private readonly ProducerOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var exitCode = ProducerRunOutcome.Failed;
        try
        {
            await topics.EnsureTopicsAsync(stoppingToken).ConfigureAwait(false);
            var summary = await SendAsync(stoppingToken).ConfigureAwait(false);
            exitCode = summary.Lost == 0 ? ProducerRunOutcome.Succeeded : ProducerRunOutcome.Failed;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            logger.StoppedBeforeSending();
            exitCode = ProducerRunOutcome.Succeeded;
        }
        catch (TopicProvisioningException e)
        {
            logger.TopicsNotReady(e.Message);
        }
        catch (KafkaException e)
        {
            logger.KafkaFailed(e.Error.Code, e.Error.Reason, e);
        }
        finally
        {
            outcome.Complete(exitCode, sender.Summary);
            lifetime.StopApplication();
        }
    }

    private async Task<DeliverySummary> SendAsync(CancellationToken stoppingToken)
    {
        var seed = _options.Seed ?? Random.Shared.Next();
        var generator = new EventGenerator(seed, clock);
        logger.Starting(_options.Mode, seed, _options.Topics.Users.Name, _options.Topics.Orders.Name);

        var stopwatch = Stopwatch.StartNew();
        using var progressStop = new CancellationTokenSource();
        var progress = progressReporter.RunAsync(_options.ProgressInterval, progressStop.Token);
        var completed = false;
        try
        {
            completed = _options.Mode == ProducerMode.Once
                ? await SendOnceAsync(generator, stoppingToken).ConfigureAwait(false)
                : await SendContinuouslyAsync(generator, stoppingToken).ConfigureAwait(false);
        }
        finally
        {
            var flushed = sender.Flush(_options.FlushTimeout);
            await progressStop.CancelAsync().ConfigureAwait(false);
            await progress.ConfigureAwait(false);
            logger.Summary(
                flushed.Produced, flushed.Delivered, flushed.Failed, flushed.Unconfirmed,
                stopwatch.Elapsed.TotalSeconds, flushed.Delivered / Math.Max(stopwatch.Elapsed.TotalSeconds, 0.001));
        }

        var summary = sender.Summary;
        if (summary.Lost > 0)
        {
            logger.EventsLost(summary.Lost, summary.Produced);
        }
        else if (!completed)
        {
            logger.Interrupted(summary.Produced);
        }

        return summary;
    }

    /// <summary>
    /// The original's run: all user events, then all order events (orders need the users). Generating is about a
    /// quarter of the sending loop's work, so a second thread generates up to <see cref="GeneratedAhead"/> events
    /// ahead while this one sends them, in the order generated.
    /// </summary>
    private async Task<bool> SendOnceAsync(EventGenerator generator, CancellationToken stoppingToken)
    {
        var events = Channel.CreateBounded<GeneratedEvent>(new BoundedChannelOptions(GeneratedAhead) { SingleReader = true, SingleWriter = true });
        var generating = Task.Run(() => GenerateOnceAsync(generator, events.Writer, stoppingToken), CancellationToken.None);
        try
        {
            await foreach (var generated in events.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                await SendAsync(generated, stoppingToken).ConfigureAwait(false);
            }

            await generating.ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private async Task GenerateOnceAsync(EventGenerator generator, ChannelWriter<GeneratedEvent> events, CancellationToken stoppingToken)
    {
        try
        {
            for (var i = 0; i < _options.Users; i++)
            {
                await events.WriteAsync(generator.NextUserEvent(), stoppingToken).ConfigureAwait(false);
            }

            for (var i = 0; i < _options.Orders; i++)
            {
                await events.WriteAsync(generator.NextOrderEvent(), stoppingToken).ConfigureAwait(false);
            }

            events.Complete();
        }
        catch (Exception e)
        {
            events.Complete(e);
        }
    }

    private async Task<bool> SendContinuouslyAsync(EventGenerator generator, CancellationToken stoppingToken)
    {
        // Permits come in small portions (about 20 per second), so the rate stays even without a timer per event.
        var rate = _options.EventsPerSecond;
        var portion = Math.Max(1, rate / 20);
        using var limiter = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = portion,
            TokensPerPeriod = portion,
            ReplenishmentPeriod = TimeSpan.FromSeconds((double)portion / rate),
            QueueLimit = portion,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
        var userShare = (double)_options.Users / (_options.Users + _options.Orders);

        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                using var lease = await limiter.AcquireAsync(portion, stoppingToken).ConfigureAwait(false);
                if (!lease.IsAcquired)
                {
                    continue;
                }

                for (var i = 0; i < portion; i++)
                {
                    await SendAsync(generator.NextEvent(userShare), stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopped: the caller flushes what is in flight.
        }

        return true;
    }

    private ValueTask SendAsync(GeneratedEvent generated, CancellationToken stoppingToken) =>
        sender.SendAsync(generated.Kind == EntityKind.User ? _options.Topics.Users.Name : _options.Topics.Orders.Name, generated, stoppingToken);
}
