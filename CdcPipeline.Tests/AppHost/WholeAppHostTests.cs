using System.Security.Cryptography;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using CdcPipeline.AppHost;
using CdcPipeline.AppHost.Debezium;
using CdcPipeline.AppHost.Profiles;
using CdcPipeline.ServiceDefaults.Cassandra;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace CdcPipeline.Tests.AppHost;

public sealed class WholeAppHostTests
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan s_pollInterval = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Every_resource_becomes_healthy_and_events_reach_PostgreSQL_and_Cassandra()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var engine = ContainerEngine.Probe(new ConfigurationBuilder().AddEnvironmentVariables().Build(), ContainerEngine.DefaultTimeout);
        Assert.SkipUnless(engine.Answers, $"No container engine: {engine.Description}");

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(s_startTimeout);

        // A fresh password every run: only sound with no volumes, since PostgreSQL keeps the password it was
        // initialised with in its data directory (a second run against an old volume fails with 28P01), and the
        // volumes would be the ones F5 uses.
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.CdcPipeline_AppHost>(
            [
                $"Parameters:postgres-password={Convert.ToHexString(RandomNumberGenerator.GetBytes(16))}",
                $"{PersistentData.EphemeralVolumesSetting}=true",
                $"{PipelineSettings.ProfileSetting}=containers",
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

        // The producer runs continuously: a user it created reaches cdc_db through the consumer, then Cassandra
        // through Debezium and the sink, with the same name PostgreSQL holds.
        var user = await PollAsync(() => FirstUserInPostgresAsync(app, timeout.Token), timeout.Token);
        var replicatedName = await PollAsync(
            async () =>
            {
                var cassandraName = await UserNameInCassandraAsync(app, user.Id, timeout.Token);
                var current = await FirstUserInPostgresAsync(app, timeout.Token);
                return cassandraName is not null && cassandraName == current?.Name ? cassandraName : null;
            },
            timeout.Token);
        Assert.False(string.IsNullOrEmpty(replicatedName));
    }

    private sealed record PostgresUser(Guid Id, string Name);

    private static async Task<PostgresUser?> FirstUserInPostgresAsync(DistributedApplication app, CancellationToken cancellationToken)
    {
        var connectionString = await app.GetConnectionStringAsync("cdcdb", cancellationToken);
        await using var dataSource = NpgsqlDataSource.Create(connectionString!);
        await using var command = dataSource.CreateCommand("SELECT id, name FROM users ORDER BY created_at, id LIMIT 1");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new PostgresUser(reader.GetGuid(0), reader.GetString(1)) : null;
    }

    private static async Task<string?> UserNameInCassandraAsync(DistributedApplication app, Guid userId, CancellationToken cancellationToken)
    {
        var settings = new CassandraClientSettings { ConnectionString = await app.GetConnectionStringAsync("cassandra", cancellationToken) };
        settings.ApplyConnectionString();
        settings.Validate("cassandra");
        await using var session = new CqlSession(settings);
        var rows = await session.QueryAsync("SELECT name FROM cdc_keyspace.users WHERE id = ?", userId);
        var list = await rows.ToListAsync(cancellationToken);
        return list.Count == 1 ? list[0].Get<string>("name") : null;
    }

    private static async Task<T> PollAsync<T>(Func<Task<T?>> probe, CancellationToken cancellationToken)
        where T : class
    {
        while (true)
        {
            try
            {
                if (await probe() is { } value)
                {
                    return value;
                }
            }
            catch (Exception exception) when (exception is NpgsqlException or CqlException)
            {
                // Tables or keyspace not created yet: keep polling until the test's deadline.
            }

            await Task.Delay(s_pollInterval, cancellationToken);
        }
    }
}
