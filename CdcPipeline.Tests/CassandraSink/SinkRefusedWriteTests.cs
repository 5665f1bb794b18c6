using CdcPipeline.ServiceDefaults.Kafka;
using CdcPipeline.Tests.Infrastructure.Kafka;
using CdcPipeline.Tests.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CdcPipeline.Tests.CassandraSink;

/// <summary>
/// A write Cassandra refuses for one row neither stops the sink nor is retried forever: it is isolated from the
/// batches it shares, its change is dead-lettered with Cassandra's reason, and every other change is applied.
/// </summary>
public sealed class SinkRefusedWriteTests(KafkaFixture kafka) : IClassFixture<KafkaFixture>
{
    private const string Refusal = "Guardrail column_value_size violated: Value of column total_amount has size 1048577, this exceeds the failure threshold of 1048576.";

    [Fact]
    public async Task A_change_Cassandra_refuses_is_dead_lettered_with_the_reason_and_the_rest_of_its_batches_is_applied()
    {
        var user = new UserState(Guid.NewGuid(), "Barbara", new DateOnly(1939, 11, 7), null, null, false);
        var placed = new DateTimeOffset(2024, 3, 1, 12, 0, 0, TimeSpan.Zero);
        var orders = Enumerable.Range(0, 12)
            .Select(i => new OrderState(Guid.NewGuid(), "PLACED", user.Id, i + 1, 3.25m * (i + 1), placed.AddMinutes(i), null, false))
            .ToList();
        var refusedOrder = orders[5];
        long lsn = 2_000;
        List<ChangeMessage> messages =
        [
            new("users", user.Id, ChangeEventBuilder.User('c', null, user, lsn += 10)),
            .. orders.Select(o => new ChangeMessage("orders", o.Id, ChangeEventBuilder.Order('c', null, o, lsn += 10))),
        ];
        await using var sink = await SinkHarness.CreateAsync(kafka);
        // Every order's listing shares the user's orders_by_user partition, hence one BATCH: the refused order's
        // listing makes Cassandra refuse that whole batch.
        await using var proxy = RefusingCqlProxy.Start(sink.Cassandra.Port, refusedOrder.Id.ToByteArray(bigEndian: true), Refusal);
        using var deadLettered = new MetricCollector("cdc.kafka.messages.dead_lettered", sink.OrdersTopic);
        await sink.StartSinkAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings:cassandra"] = proxy.ConnectionString,
            ["CassandraSink:BatchTimeout"] = "00:00:00.500",
        });

        await sink.ProduceAsync(messages);

        var kept = orders.Where(o => o != refusedOrder).ToList();
        await sink.AssertEventuallyAsync(CassandraState.Expected([user], kept));
        var letter = Assert.Single(await kafka.ConsumeAllAsync($"{sink.OrdersTopic}.dlq", expectedCount: 1, SinkHarness.Timeout));
        Assert.Equal(messages.Single(m => m.RowId == refusedOrder.Id).Value, letter.Value);
        var reason = letter.Header(KafkaDeadLetterHeaders.Reason)!;
        Assert.StartsWith("Cassandra refused the write of a change of public.orders: ", reason, StringComparison.Ordinal);
        Assert.Contains($"UpsertOrder of orders/{refusedOrder.Id}: Cassandra error 0x2200 (Invalid): {Refusal}", reason, StringComparison.Ordinal);
        Assert.Contains($"UpsertOrderByUser of orders_by_user/{user.Id}", reason, StringComparison.Ordinal);
        Assert.Equal(sink.OrdersTopic, letter.Header(KafkaDeadLetterHeaders.OriginTopic));
        Assert.Equal(1, deadLettered.Sum);
        Assert.Equal("rejected", Assert.Single(deadLettered.Measurements).Tags["cdc.dead_letter.kind"]);

        // The stream goes on after it, and the sink is healthy: nothing is retried.
        var later = new UserState(Guid.NewGuid(), "Frances", new DateOnly(1932, 8, 4), null, null, false);
        await sink.ProduceAsync([new("users", later.Id, ChangeEventBuilder.User('c', null, later, lsn + 10))]);
        await sink.AssertEventuallyAsync(CassandraState.Expected([user, later], kept));
        var health = await sink.Services.GetRequiredService<HealthCheckService>()
            .CheckHealthAsync(r => r.Name == "cassandra-sink", TestContext.Current.CancellationToken);
        Assert.Equal(HealthStatus.Healthy, health.Entries["cassandra-sink"].Status);
        Assert.True(proxy.Refused >= 2, $"Cassandra refused {proxy.Refused} requests: the batch was not split.");
    }
}
