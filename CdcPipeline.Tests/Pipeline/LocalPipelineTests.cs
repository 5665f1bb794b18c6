using System.Globalization;
using System.Security.Cryptography;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using CdcPipeline.AppHost.Local.Postgres;
using CdcPipeline.AppHost.Profiles;
using CdcPipeline.Tests.CassandraSink;
using CdcPipeline.Tests.Consumer;
using CdcPipeline.Tests.Infrastructure.Kafka;
using CdcPipeline.Tests.Infrastructure.Postgres;

namespace CdcPipeline.Tests.Pipeline;

/// <summary>
/// The whole AppHost in the local profile, as <c>dotnet run --project CdcPipeline.AppHost</c> starts it on a machine
/// without a container engine: a seeded Producer run must end in PostgreSQL rows equal to what its events imply,
/// Cassandra tables equal to PostgreSQL, one trace through all four services, and nothing left running.
/// </summary>
public sealed class LocalPipelineTests(PostgresFixture postgres)
{
    private const int Seed = 20261202;
    private const int UserEvents = 150;
    private const int OrderEvents = 300;
    private const string RunMarkerVariable = "CDC_TEST_PIPELINE_RUN";

    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(8);
    private static readonly string[] s_services = ["producer", "consumer", "capture", "cassandra-sink"];

    [Fact]
    public async Task A_seeded_run_reaches_PostgreSQL_and_Cassandra_in_one_trace_and_the_stop_leaves_nothing_running()
    {
        Assert.SkipWhen(PostgresInstallation.Find() is null, PostgresInstallation.NotFoundMessage);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(s_timeout);
        var runMarker = Guid.NewGuid().ToString("N");
        var dashboardApiKey = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.CdcPipeline_AppHost>(
            new DistributedApplicationTestingBuilderOptions { EnableDashboard = true },
            [
                $"{PipelineSettings.ProfileSetting}=local",
                $"Parameters:postgres-password={Convert.ToHexString(RandomNumberGenerator.GetBytes(16))}",
                $"AppHost:DashboardApiKey={dashboardApiKey}",
            ],
            timeout.Token);
        foreach (var resource in builder.Resources.OfType<ExecutableResource>().Concat<IResourceWithEnvironment>(builder.Resources.OfType<ProjectResource>()).ToArray())
        {
            builder.CreateResourceBuilder(resource).WithEnvironment(RunMarkerVariable, runMarker);
        }

        // The Producer sends one seeded run once everything else is healthy, instead of sending continuously.
        builder.CreateResourceBuilder<ProjectResource>("producer")
            .WithExplicitStart()
            .WithEnvironment("Producer__Mode", "once")
            .WithEnvironment("Producer__Seed", Seed.ToString(CultureInfo.InvariantCulture))
            .WithEnvironment("Producer__Users", UserEvents.ToString(CultureInfo.InvariantCulture))
            .WithEnvironment("Producer__Orders", OrderEvents.ToString(CultureInfo.InvariantCulture));
        var postgresServer = builder.Resources.OfType<LocalPostgresServerResource>().Single();

        await using (var app = await builder.BuildAsync(timeout.Token))
        {
            await app.StartAsync(timeout.Token);
            var waited = builder.Resources
                .Where(r => r.Name != "producer" && r.TryGetAnnotationsOfType<HealthCheckAnnotation>(out _))
                .Select(r => r.Name)
                .Append("cdcdb")
                .ToArray();
            Assert.Superset(new HashSet<string>(["postgres", "kafka", "cassandra", "capture", "consumer", "cassandra-sink"]), waited.ToHashSet());
            foreach (var name in waited)
            {
                await app.ResourceNotifications.WaitForResourceHealthyAsync(name, timeout.Token);
            }

            await app.ResourceCommands.ExecuteCommandAsync("producer", KnownResourceCommands.StartCommand, timeout.Token);
            var producer = await app.ResourceNotifications.WaitForResourceAsync(
                "producer", e => KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text), timeout.Token);
            Assert.Equal(0, producer.Snapshot.ExitCode);

            using var kafka = new KafkaTestClient((await app.GetConnectionStringAsync("kafka", timeout.Token))!);
            var produced = await ProducedEventsAsync(kafka);
            Assert.Equal(UserEvents, produced.Count(e => e.IsUser));
            Assert.Equal(OrderEvents, produced.Count(e => !e.IsUser));

            var expected = await ConsumerDeliveryTests.ReferenceAsync(postgres, produced);
            var tables = new CdcTables((await app.GetConnectionStringAsync("cdcdb", timeout.Token))!);
            await tables.WaitUntilAsync(
                async () => (await tables.UsersAsync()).SequenceEqual(expected.Users) && (await tables.OrdersAsync()).SequenceEqual(expected.Orders),
                "PostgreSQL's rows to equal what the produced events imply",
                TimeSpan.FromMinutes(4));

            var expectedCassandra = CassandraTables.Canonical(CassandraState.Expected(await PostgresRows.UsersAsync(tables), await PostgresRows.OrdersAsync(tables)));
            var cassandra = new CassandraTables((await app.GetConnectionStringAsync("cassandra", timeout.Token))!);
            var actualCassandra = await cassandra.WaitForAsync(expectedCassandra, TimeSpan.FromMinutes(4), timeout.Token);
            Assert.True(expectedCassandra.Equals(actualCassandra), CassandraTables.Difference(expectedCassandra, actualCassandra));

            foreach (var topic in new[] { "users.dlq", "orders.dlq", "cdc.public.users.dlq", "cdc.public.orders.dlq" })
            {
                Assert.Empty(await kafka.ReadToEndAsync(topic, TimeSpan.FromSeconds(10)));
            }

            var dashboard = new DashboardTelemetry((await app.GetDashboardUrlAsync(timeout.Token))!.ToString(), dashboardApiKey);
            var services = await dashboard.WaitForTraceAcrossAsync(s_services, "cassandra-sink", "process cdc.public.", TimeSpan.FromMinutes(2), timeout.Token);
            Assert.Superset(s_services.ToHashSet(), services.ToHashSet());
        }

        Assert.Empty(ProcessesWithEnvironment(RunMarkerVariable, runMarker));
        Assert.False(Directory.Exists(postgresServer.RootDirectory), $"{postgresServer.RootDirectory} is still there after the AppHost stopped");
    }

    /// <summary>Every event the Producer sent, in the order it generated them.</summary>
    private static async Task<IReadOnlyList<WireEvent>> ProducedEventsAsync(KafkaTestClient kafka) =>
        ProducedEvents.InGeneratedOrder(
            await kafka.ConsumeAllAsync("users", UserEvents, TimeSpan.FromMinutes(1)),
            await kafka.ConsumeAllAsync("orders", OrderEvents, TimeSpan.FromMinutes(1)));

    /// <summary>Processes of this machine whose environment carries <paramref name="variable"/>=<paramref name="value"/>.</summary>
    private static IReadOnlyList<string> ProcessesWithEnvironment(string variable, string value)
    {
        var marker = $"{variable}={value}";
        var found = new List<string>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }

            try
            {
                var environment = File.ReadAllText(Path.Combine(directory, "environ"));
                if (environment.Split('\0').Contains(marker, StringComparer.Ordinal))
                {
                    found.Add($"{pid}: {File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ')}");
                }
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // The process ended while it was looked at, or is not readable: not one of ours.
            }
        }

        return found;
    }
}
