using System.Globalization;
using CdcPipeline.ServiceDefaults.Kafka;
using CdcPipeline.Tests.Corpus;
using CdcPipeline.Tests.Infrastructure.Kafka;
using Confluent.Kafka;

namespace CdcPipeline.Tests.CassandraSink;

/// <summary>
/// The Debezium-envelope part of the bad-input corpus (<c>Corpus/sink</c>) through the real sink: a few cases per run,
/// each between good changes on the same partition. Every case ends as its manifest says (stored verbatim,
/// dead-lettered with a reason naming the field, or ignored and counted), the stream goes on, the good changes around
/// it land and every offset is committed.
/// </summary>
public sealed class SinkCorpusTests(KafkaFixture kafka) : IClassFixture<KafkaFixture>
{
    private const string Area = "sink";
    private const string UnknownTable = "public.payments";

    private static readonly Guid Owner = Guid.Parse("c0a7e1a0-0000-4000-8000-000000000001");

    public static TheoryData<string> Groups => CorpusCase.Groups(Area, size: 7);

    [Theory]
    [MemberData(nameof(Groups))]
    public async Task Each_change_ends_as_the_manifest_says_and_the_good_changes_around_it_land(string files)
    {
        var cases = CorpusCase.Named(Area, files);
        await using var sink = await SinkHarness.CreateAsync(kafka);
        using var ignored = new CounterProbe("cdc.sink.changes.ignored", "db.collection.name", UnknownTable);
        await sink.StartSinkAsync();
        var users = new List<UserState>();
        var orders = new List<OrderState>();
        var origins = new Dictionary<CorpusCase, TopicPartitionOffset>();
        long lsn = 100_000;
        async Task ProduceGoodAsync()
        {
            var user = new UserState(Guid.NewGuid(), $"Good {users.Count}", new DateOnly(1991, 2, 3), null, null, false);
            var order = new OrderState(Guid.NewGuid(), "PLACED", Owner, 1, 7.5m, new DateTimeOffset(2024, 3, 1, 9, 0, 0, TimeSpan.Zero).AddSeconds(orders.Count), null, false);
            await kafka.ProduceRawAsync(sink.UsersTopic, user.Id.ToByteArray(), ChangeEventBuilder.User('c', null, user, lsn += 10), partition: 0);
            await kafka.ProduceRawAsync(sink.OrdersTopic, order.Id.ToByteArray(), ChangeEventBuilder.Order('c', null, order, lsn += 10), partition: 0);
            users.Add(user);
            orders.Add(order);
        }

        foreach (var corpusCase in cases)
        {
            await ProduceGoodAsync();
            var topic = corpusCase.Topic == "users" ? sink.UsersTopic : sink.OrdersTopic;
            var delivered = await kafka.ProduceRawAsync(topic, corpusCase.HasKey ? corpusCase.Key : null, corpusCase.Value(), partition: 0);
            origins[corpusCase] = delivered.TopicPartitionOffset;
            await ProduceGoodAsync();
        }

        var stored = cases.Where(c => c.Expect == CorpusCase.Stored).ToList();
        await SinkHarness.WaitUntilAsync(
            () =>
            {
                var state = sink.ReadState();
                var ids = state.Users.Select(u => u.Id).ToHashSet();
                return users.All(u => ids.Contains(u.Id))
                    && orders.All(o => state.Orders.Any(row => row.Id == o.Id))
                    && stored.All(c => ids.Contains(Guid.Parse(c.Id)));
            },
            "the good changes around the cases, and the stored cases");

        var rows = sink.ReadState();
        foreach (var corpusCase in stored)
        {
            Assert.Equal(corpusCase.Row, Row(rows.Users.Single(u => u.Id == Guid.Parse(corpusCase.Id))));
        }

        foreach (var corpusCase in cases.Where(c => c.Expect != CorpusCase.Stored))
        {
            var id = Guid.Parse(corpusCase.Id);
            Assert.DoesNotContain(rows.Users, u => u.Id == id);
            Assert.DoesNotContain(rows.Orders, o => o.Id == id);
        }

        await AssertDeadLettersAsync(sink.UsersTopic, cases.Where(c => c.Topic == "users"), origins);
        await AssertDeadLettersAsync(sink.OrdersTopic, cases.Where(c => c.Topic == "orders"), origins);
        Assert.Equal(cases.Count(c => c.Expect == CorpusCase.Ignored), ignored.Total);
        await SinkHarness.WaitUntilAsync(
            () => Committed(sink, sink.UsersTopic) == origins.Count(o => o.Key.Topic == "users") + (2 * cases.Count)
                && Committed(sink, sink.OrdersTopic) == origins.Count(o => o.Key.Topic == "orders") + (2 * cases.Count),
            "every offset committed, the bad changes' too");
    }

    private async Task AssertDeadLettersAsync(string topic, IEnumerable<CorpusCase> cases, Dictionary<CorpusCase, TopicPartitionOffset> origins)
    {
        var expected = cases.Where(c => c.Expect == CorpusCase.DeadLetter).ToList();
        await kafka.ConsumeAllAsync($"{topic}.dlq", expected.Count, SinkHarness.Timeout);
        var letters = await kafka.ReadToEndAsync($"{topic}.dlq", TimeSpan.FromSeconds(30));

        Assert.Equal(
            expected.Select(c => origins[c].Offset.Value).Order(),
            letters.Select(l => long.Parse(l.Header(KafkaDeadLetterHeaders.OriginOffset)!, CultureInfo.InvariantCulture)).Order());
        foreach (var corpusCase in expected)
        {
            var letter = Assert.Single(letters, l => l.Header(KafkaDeadLetterHeaders.OriginOffset) == origins[corpusCase].Offset.Value.ToString(CultureInfo.InvariantCulture));
            var reason = letter.Header(KafkaDeadLetterHeaders.Reason);
            Assert.True(reason?.Contains(corpusCase.Reason!, StringComparison.Ordinal) == true, $"{corpusCase.File}: reason '{reason}' lacks '{corpusCase.Reason}'");
            Assert.Equal(topic, letter.Header(KafkaDeadLetterHeaders.OriginTopic));
            Assert.Equal(corpusCase.Value(), letter.Value ?? []);
        }
    }

    /// <summary>The offset the sink's group committed on partition 0 of <paramref name="topic"/>.</summary>
    private long Committed(SinkHarness sink, string topic)
    {
        using var reader = new ConsumerBuilder<byte[]?, byte[]?>(kafka.ConsumerConfig($"{sink.Prefix}-sink")).Build();
        return reader.Committed([new TopicPartition(topic, 0)], TimeSpan.FromSeconds(10))[0].Offset.Value;
    }

    private static string Row(UserState user) =>
        $"{user.Id} | {user.Name} | {user.Dob:yyyy-MM-dd} | {Time(user.CreatedAt)} | {Time(user.ModifiedAt)} | {user.IsDeleted}";

    private static string Time(DateTimeOffset? value) =>
        value?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture) ?? "null";
}
