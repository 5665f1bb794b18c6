using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CdcPipeline.AppHost.Local;

/// <summary>What an in-process stand-in reports once its listeners are up.</summary>
/// <param name="Stop">Stops it; called when the AppHost has stopped (and DCP with it, the services using it).</param>
internal sealed record StandInStarted(string ConnectionString, IReadOnlyList<ResourcePropertySnapshot> Properties, Func<ValueTask> Stop);

/// <summary>
/// The lifecycle of a stand-in hosted in the AppHost process (no DCP process of its own): Starting, then its start
/// in-process, then Running (only then do health checks run and waiters proceed) with its connection string
/// available; FailedToStart with the reason in its console log when the start throws. It stops once the AppHost has
/// stopped: with <c>DcpPublisher:WaitForResourceCleanup</c> that is after the services using it are gone.
/// </summary>
internal static partial class InProcessStandIn
{
    public static IResourceBuilder<T> RunInProcess<T>(
        this IResourceBuilder<T> builder,
        StartedValue connectionString,
        Func<T, ILogger, CancellationToken, Task<StandInStarted>> start)
        where T : IResourceWithConnectionString
    {
        return builder.OnInitializeResource(async (resource, @event, cancellationToken) =>
        {
            await @event.Notifications.PublishUpdateAsync(resource, s => s with { State = KnownResourceStates.Starting }).ConfigureAwait(false);
            StandInStarted started;
            try
            {
                started = await start(resource, @event.Logger, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                connectionString.Fail(exception);
                StartFailed(@event.Logger, resource.Name, exception);
                await @event.Notifications.PublishUpdateAsync(resource, s => s with { State = KnownResourceStates.FailedToStart }).ConfigureAwait(false);
                return;
            }

            @event.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopped
                .Register(() => started.Stop().AsTask().GetAwaiter().GetResult());
            connectionString.Set(started.ConnectionString);
            await @event.Notifications.PublishUpdateAsync(resource, s => s with
            {
                State = new ResourceStateSnapshot(KnownResourceStates.Running, KnownResourceStateStyles.Success),
                StartTimeStamp = DateTime.UtcNow,
                Properties = s.Properties.With([.. started.Properties]),
            }).ConfigureAwait(false);
            await @event.Eventing.PublishAsync(new ConnectionStringAvailableEvent(resource, @event.Services), cancellationToken).ConfigureAwait(false);
        });
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "{Resource} could not start in the AppHost process")]
    private static partial void StartFailed(ILogger logger, string resource, Exception exception);
}
