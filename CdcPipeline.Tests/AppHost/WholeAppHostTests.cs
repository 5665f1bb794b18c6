using System.Security.Cryptography;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using CdcPipeline.AppHost;
using CdcPipeline.AppHost.Debezium;

namespace CdcPipeline.Tests.AppHost;

public sealed class WholeAppHostTests
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromMinutes(10);

    [Fact]
    public async Task Every_resource_of_the_AppHost_becomes_healthy()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var whyNot = await DockerEngine.WhyUnavailableAsync(cancellationToken);
        Assert.SkipWhen(whyNot is not null, whyNot ?? string.Empty);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(s_startTimeout);

        // A fresh password every run: only sound with no volumes, since PostgreSQL keeps the password it was
        // initialised with in its data directory (a second run against an old volume fails with 28P01), and the
        // volumes would be the ones F5 uses.
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.CdcPipeline_AppHost>(
            [
                $"Parameters:postgres-password={Convert.ToHexString(RandomNumberGenerator.GetBytes(16))}",
                $"{PersistentData.EphemeralVolumesSetting}=true",
            ],
            timeout.Token);
        await using var app = await builder.BuildAsync(timeout.Token);
        await app.StartAsync(timeout.Token);

        var waited = builder.Resources
            .Where(r => r is not ParameterResource && r is not DebeziumConnectorResource)
            .Where(r => r.TryGetAnnotationsOfType<HealthCheckAnnotation>(out _))
            .Select(r => r.Name)
            .ToArray();
        foreach (var name in waited)
        {
            await app.ResourceNotifications.WaitForResourceHealthyAsync(name, timeout.Token);
        }

        // The connector has no health check of its own: its state is Connect's, which must reach RUNNING.
        await app.ResourceNotifications.WaitForResourceAsync("cdc-connector", ConnectorStatus.Running, timeout.Token);

        Assert.Contains("kafka", waited);
        Assert.Contains("cassandra", waited);
        Assert.Contains("debezium", waited);
        Assert.Contains("consumer", waited);
    }
}
