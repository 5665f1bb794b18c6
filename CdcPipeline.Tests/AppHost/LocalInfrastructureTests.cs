using System.Diagnostics;
using System.Security.Cryptography;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using CdcPipeline.AppHost.Kafka;
using CdcPipeline.AppHost.Local.Postgres;
using CdcPipeline.AppHost.Profiles;
using CdcPipeline.ServiceDefaults.Cassandra;
using Confluent.Kafka;
using Npgsql;

namespace CdcPipeline.Tests.AppHost;

/// <summary>
/// The local profile's stand-ins started for real by the AppHost (its services left out): what the services find
/// when they connect, and nothing left behind once it stops.
/// </summary>
public sealed class LocalInfrastructureTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Local_stand_ins_start_healthy_with_schema_and_topics_and_postgres_stops_fast_and_leaves_no_directory()
    {
        Assert.SkipWhen(PostgresInstallation.Find() is null, PostgresInstallation.NotFoundMessage);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(s_timeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.CdcPipeline_AppHost>(
            [$"{PipelineSettings.ProfileSetting}=local", $"Parameters:postgres-password={Convert.ToHexString(RandomNumberGenerator.GetBytes(16))}"],
            timeout.Token);
        foreach (var project in builder.Resources.OfType<ProjectResource>().ToArray())
        {
            builder.Resources.Remove(project);
        }

        var postgres = builder.Resources.OfType<LocalPostgresServerResource>().Single();

        await using (var app = await builder.BuildAsync(timeout.Token))
        {
            await app.StartAsync(timeout.Token);
            foreach (var name in new[] { "postgres", "cdcdb", "kafka", "cassandra" })
            {
                await app.ResourceNotifications.WaitForResourceHealthyAsync(name, timeout.Token);
            }

            await AssertSchemaAsync(await app.GetConnectionStringAsync("cdcdb", timeout.Token), timeout.Token);
            AssertTopics(await app.GetConnectionStringAsync("kafka", timeout.Token));
            await AssertCqlAnswersAsync(await app.GetConnectionStringAsync("cassandra", timeout.Token), timeout.Token);
            Assert.True(File.Exists(Path.Combine(postgres.DataDirectory, "PG_VERSION")));

            // A client still connected would hold a smart shutdown (SIGTERM) until DCP kills the server 6 s later.
            await using var client = new NpgsqlConnection(await app.GetConnectionStringAsync("cdcdb", timeout.Token));
            await client.OpenAsync(timeout.Token);
            var stopping = Stopwatch.StartNew();
            await app.ResourceCommands.ExecuteCommandAsync("postgres", KnownResourceCommands.StopCommand, timeout.Token);
            var stopped = await app.ResourceNotifications.WaitForResourceAsync(
                "postgres", e => KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text), timeout.Token);

            Assert.Equal(0, stopped.Snapshot.ExitCode);
            Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(5), $"postgres took {stopping.Elapsed} to stop: not a fast shutdown");
        }

        Assert.False(Directory.Exists(postgres.RootDirectory), $"{postgres.RootDirectory} is still there after the AppHost stopped");
    }

    private static async Task AssertSchemaAsync(string? connectionString, CancellationToken cancellationToken)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString!);
        await using var command = dataSource.CreateCommand(
            """
            SELECT current_database(), current_setting('wal_level'),
                   (SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name IN ('users', 'orders')),
                   (SELECT count(*) FROM pg_publication WHERE pubname = 'cdc_pub')
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        Assert.True(await reader.ReadAsync(cancellationToken));
        Assert.Equal("cdc_db", reader.GetString(0));
        Assert.Equal("logical", reader.GetString(1));
        Assert.Equal(2, reader.GetInt64(2));
        Assert.Equal(1, reader.GetInt64(3));
    }

    private static void AssertTopics(string? bootstrapServers)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers }).Build();
        var metadata = admin.GetMetadata(TimeSpan.FromSeconds(10));
        var partitions = metadata.Topics.ToDictionary(t => t.Topic, t => t.Partitions.Count, StringComparer.Ordinal);

        Assert.Equal(3, metadata.Brokers.Count);
        Assert.Equal(3, partitions["users"]);
        Assert.Equal(5, partitions["orders"]);
        Assert.Equal(6, partitions["cdc.public.users"]);
        Assert.Equal(6, partitions["cdc.public.orders"]);
        Assert.Equal(3, partitions["users.dlq"]);
        Assert.Equal(5, partitions["orders.dlq"]);
        Assert.Equal(6, partitions["cdc.public.users.dlq"]);
        Assert.Equal(6, partitions["cdc.public.orders.dlq"]);
        Assert.Equal(1, partitions["cdc-capture-offsets"]);
        Assert.Equal(1, partitions["__debezium-heartbeat.cdc"]);
        Assert.Equal(PipelineTopics.Users.Partitions, partitions[PipelineTopics.Users.Name]);
    }

    private static async Task AssertCqlAnswersAsync(string? connectionString, CancellationToken cancellationToken)
    {
        var settings = new CassandraClientSettings { ConnectionString = connectionString };
        settings.ApplyConnectionString();
        await using var session = new CqlSession(settings);
        var rows = await (await session.QueryAsync("SELECT cluster_name FROM system.local")).ToListAsync(cancellationToken);

        Assert.Equal(["127.0.0.1"], settings.ContactPoints);
        Assert.NotEmpty(rows);
    }
}
