using System.Net;
using CdcPipeline.ServiceDefaults.Cassandra;
using CdcPipeline.CassandraSink.Schema;
using CdcPipeline.CassandraSink.Writing;
using CdcPipeline.Tests.Infrastructure.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CdcPipeline.Tests.CassandraSink;

/// <summary>A multi-node cluster right after the sink created its tables: no writes before every node knows them.</summary>
public sealed class SchemaAgreementTests(KafkaFixture kafka) : IClassFixture<KafkaFixture>
{
    [Fact]
    public async Task Sink_waits_for_every_node_to_agree_on_the_schema_before_applying_changes()
    {
        var user = new UserState(Guid.NewGuid(), "Edsger", new DateOnly(1930, 5, 11), null, null, false);
        await using var sink = await SinkHarness.CreateAsync(kafka);
        await using var admin = new CqlSession(new CassandraClientSettings { ContactPoints = ["127.0.0.1"], Port = sink.Cassandra.Port });
        var peer = IPAddress.Parse("127.0.0.2");
        await admin.ExecuteAsync("INSERT INTO system.peers (peer, schema_version) VALUES (?, ?)", peer, Guid.NewGuid());
        await sink.ProduceAsync([new("users", user.Id, ChangeEventBuilder.User('c', null, user, 700))]);

        await sink.StartSinkAsync();

        await WaitUntilAsync(() => Health(sink).Description?.Contains("schema agreement", StringComparison.Ordinal) == true);
        Assert.Empty(sink.ReadState().Users);
        var local = await admin.QueryAsync("SELECT schema_version FROM system.local");
        await admin.ExecuteAsync("INSERT INTO system.peers (peer, schema_version) VALUES (?, ?)", peer, local.CurrentPage[0].Get<Guid>("schema_version"));
        await sink.AssertEventuallyAsync(CassandraState.Expected([user], []));
    }

    [Fact]
    public void Unconfigured_table_is_transient_only_shortly_after_the_schema_was_applied()
    {
        var unconfigured = new CqlServerException(CqlErrorCode.Invalid, "unconfigured table users");
        var agreement = new SchemaAgreement(TimeProvider.System);

        Assert.True(CassandraFailures.IsUnconfiguredTable(unconfigured));
        Assert.False(CassandraFailures.IsUnconfiguredTable(new CqlServerException(CqlErrorCode.Invalid, "Undefined column name x")));
        Assert.False(CassandraFailures.IsTransient(unconfigured));
        Assert.False(agreement.IsSettling(TimeSpan.FromMinutes(1)));
        agreement.Applied();
        Assert.True(agreement.IsSettling(TimeSpan.FromMinutes(1)));
        Assert.False(agreement.IsSettling(TimeSpan.Zero));
    }

    private static HealthReportEntry Health(SinkHarness sink) =>
        sink.Services.GetRequiredService<HealthCheckService>()
            .CheckHealthAsync(r => r.Name == "cassandra-sink", TestContext.Current.CancellationToken).GetAwaiter().GetResult()
            .Entries["cassandra-sink"];

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + SinkHarness.Timeout;
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.True(condition(), "the condition did not hold in time");
    }
}
