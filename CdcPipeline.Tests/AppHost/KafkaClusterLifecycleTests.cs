using Aspire.Hosting.ApplicationModel;
using CdcPipeline.AppHost.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;

namespace CdcPipeline.Tests.AppHost;

/// <summary>
/// The cluster resource has no process: it must turn Running (so its health check runs and the resources
/// waiting on it can start) exactly when all of its brokers run.
/// </summary>
public sealed class KafkaClusterLifecycleTests
{
    [Fact]
    public async Task Cluster_runs_only_once_every_broker_runs()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        await using var model = await AppHostModel.CreateAsync();
        var cluster = model.Resource<KafkaClusterResource>("kafka");
        await using var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<IHostApplicationLifetime, ApplicationLifetime>()
            .AddSingleton<ResourceLoggerService>()
            .AddSingleton<ResourceNotificationService>()
            .BuildServiceProvider();
        var notifications = services.GetRequiredService<ResourceNotificationService>();

        await model.Eventing.PublishAsync(
            new InitializeResourceEvent(cluster, model.Eventing, services.GetRequiredService<ResourceLoggerService>(), notifications, services),
            Aspire.Hosting.Eventing.EventDispatchBehavior.NonBlockingConcurrent,
            timeout.Token);
        await notifications.WaitForResourceAsync(cluster.Name, KnownResourceStates.Waiting, timeout.Token);

        foreach (var broker in cluster.Brokers.Take(2))
        {
            await notifications.PublishUpdateAsync(broker, s => s with { State = KnownResourceStates.Running });
        }

        Assert.True(notifications.TryGetCurrentState(cluster.Name, out var afterTwo));
        Assert.Equal(KnownResourceStates.Waiting, afterTwo.Snapshot.State?.Text);

        await notifications.PublishUpdateAsync(cluster.Brokers[2], s => s with { State = KnownResourceStates.Running });
        var running = await notifications.WaitForResourceAsync(cluster.Name, e => e.Snapshot.State?.Text == KnownResourceStates.Running, timeout.Token);

        Assert.NotNull(running.Snapshot.StartTimeStamp);
    }
}
