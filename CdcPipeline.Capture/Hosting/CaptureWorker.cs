using CdcPipeline.Capture.Options;
using CdcPipeline.Capture.Postgres;
using CdcPipeline.Capture.Schema;
using CdcPipeline.Capture.Telemetry;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace CdcPipeline.Capture.Hosting;

/// <summary>
/// Runs the capture for the life of the service: each <see cref="CaptureSession"/> that fails (PostgreSQL or Kafka
/// unavailable, the slot busy, the stream broken) is retried with exponential backoff and jitter, for as long as it
/// takes; nothing is skipped, since every attempt resumes from the slot. Errors that no retry can cure — a column type
/// or a value the capture cannot publish, a fatal Kafka producer error — stop the service with exit code 1.
/// </summary>
internal sealed class CaptureWorker : BackgroundService
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(200);

    private readonly CaptureSession _session;
    private readonly PostgresConnections _connections;
    private readonly InterruptionReport _report;
    private readonly CaptureHealth _health;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ILogger<CaptureWorker> _logger;
    private readonly CaptureOptions _options;
    private readonly ResiliencePipeline _retry;

    public CaptureWorker(
        CaptureSession session,
        PostgresConnections connections,
        InterruptionReport report,
        CaptureHealth health,
        IHostApplicationLifetime lifetime,
        IOptions<CaptureOptions> options,
        ILogger<CaptureWorker> logger)
    {
        _session = session;
        _connections = connections;
        _report = report;
        _health = health;
        _lifetime = lifetime;
        _logger = logger;
        _options = options.Value;
        _retry = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is { } e && !args.Context.CancellationToken.IsCancellationRequested && !IsFatal(e)),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = FirstDelay,
                MaxDelay = _options.RetryMaxDelay,
                OnRetry = args =>
                {
                    _report.Failed(args.Outcome.Exception!);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _logger.Starting(_options.Tables, _connections.Database, _options.SlotName, _options.PublicationName, _options.TopicPrefix, _options.SchemasEnable);
        try
        {
            await _retry.ExecuteAsync(
                    static async (state, token) => await state._session.RunAsync(state._report.Connected, token).ConfigureAwait(false),
                    this,
                    stoppingToken)
                .ConfigureAwait(false);
        }
        catch (Exception e) when (stoppingToken.IsCancellationRequested && !IsFatal(e))
        {
            // Stopping: the attempt the stop interrupted (e.g. a metadata request to an unreachable Kafka) is not retried.
        }
        catch (Exception e) when (IsFatal(e))
        {
            Stop(e);
        }
    }

    /// <summary>A fatal Kafka producer error (reported by the producer's error handler): the producer cannot be used again.</summary>
    public void FatalKafkaError(string reason) => Stop(new InvalidOperationException($"Kafka producer failed fatally: {reason}"));

    private void Stop(Exception e)
    {
        _logger.Fatal(e, e.Message);
        _health.Failed(e.Message);
        Environment.ExitCode = 1;
        _lifetime.StopApplication();
    }

    private static bool IsFatal(Exception e) => e is UnsupportedColumnTypeException or UnrepresentableValueException or OptionsValidationException;
}
