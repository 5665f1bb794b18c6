using System.Globalization;
using System.Text;
using CdcPipeline.ServiceDefaults.Kafka;
using CdcPipeline.Tests.Corpus;
using CdcPipeline.Tests.Infrastructure.Kafka;
using CdcPipeline.Tests.Infrastructure.Postgres;
using Confluent.Kafka;

namespace CdcPipeline.Tests.Consumer;

/// <summary>
/// The bad-input corpus (<c>Corpus/consumer</c>) through the real Consumer: a few cases per run, each between good
/// events on the same partition. Every case ends as its manifest says (stored verbatim, or dead-lettered with a
/// reason naming the field), the partition goes on, and the good events around it land.
/// </summary>
public sealed class ConsumerCorpusTests(KafkaFixture kafka, PostgresFixture postgres) : IClassFixture<KafkaFixture>
{
    private const string Area = "consumer";

    /// <summary>The user every order of the corpus belongs to, created before the cases.</summary>
    private static readonly Guid Owner = Guid.Parse("c0a7e1a0-0000-4000-8000-000000000001");

    private static readonly DateTimeOffset T0 = new(2024, 3, 1, 9, 0, 0, TimeSpan.Zero);

    public static TheoryData<string> Groups => CorpusCase.Groups(Area, size: 6);

    [Fact]
    public void The_corpus_has_at_least_60_cases_and_each_names_its_outcome()
    {
        var cases = CorpusCase.Load(Area).Concat(CorpusCase.Load("sink")).ToList();

        Assert.True(cases.Count >= 60, $"{cases.Count} cases");
        Assert.All(cases, c => Assert.True(
            c.Expect switch
            {
                CorpusCase.Stored => c.Row is not null,
                CorpusCase.DeadLetter => !string.IsNullOrEmpty(c.Reason),
                CorpusCase.Ignored => true,
                _ => false,
            },
            $"{c.Area}/{c.File}: expect '{c.Expect}' without what to check"));
        Assert.Equal(cases.Count, cases.Select(c => $"{c.Area}/{c.File}").Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Groups))]
    public async Task Each_case_ends_as_the_manifest_says_and_the_good_events_around_it_land(string files)
    {
        var cases = CorpusCase.Named(Area, files);
        var setup = await ConsumerTestSetup.CreateAsync(kafka, await postgres.CreateDatabaseAsync());
        var tables = new CdcTables(setup.DatabaseConnectionString);
        var config = setup.Kafka.ProducerConfig();
        config.MessageMaxBytes = 20_000_000;
        // Compressed, the 10 MB case fits the mock cluster's retention of about 5 MiB per partition.
        config.CompressionType = CompressionType.Lz4;
        using var producer = new ProducerBuilder<byte[]?, byte[]?>(config).Build();
        await using var consumer = await ConsumerHost.StartAsync(setup, new Dictionary<string, string?>
        {
            ["Consumer:MissingUserRetryBudget"] = "00:00:02",
            ["Consumer:MissingUserRetryMaxDelay"] = "00:00:00.200",
        });
        await ProduceAsync(producer, setup.UsersTopic, Owner.ToString(), GoJson.UserCreate(Owner, "Corpus Owner", new DateOnly(1980, 1, 1), T0));
        await tables.WaitForCountsAsync(1, 0);

        var goodUsers = new List<Guid>();
        var goodOrders = new List<Guid>();
        var origins = new Dictionary<CorpusCase, TopicPartitionOffset>();
        foreach (var corpusCase in cases)
        {
            await ProduceGoodAsync(producer, setup, goodUsers, goodOrders);
            var topic = corpusCase.Topic == "users" ? setup.UsersTopic : setup.OrdersTopic;
            var delivered = await producer.ProduceAsync(
                new TopicPartition(topic, 0),
                new Message<byte[]?, byte[]?> { Key = corpusCase.HasKey ? corpusCase.Key : null, Value = corpusCase.Value() },
                TestContext.Current.CancellationToken);
            origins[corpusCase] = delivered.TopicPartitionOffset;
            await ProduceGoodAsync(producer, setup, goodUsers, goodOrders);
        }

        await tables.WaitUntilAsync(
            async () => await tables.ScalarAsync<long>("SELECT count(*) FROM users WHERE id = ANY($1)", goodUsers.ToArray()) == goodUsers.Count
                && await tables.ScalarAsync<long>("SELECT count(*) FROM orders WHERE id = ANY($1)", goodOrders.ToArray()) == goodOrders.Count,
            "the good events around the cases");

        foreach (var corpusCase in cases.Where(c => c.Expect == CorpusCase.Stored))
        {
            var sql = corpusCase.Topic == "users"
                ? "SELECT id, name, dob, created_at, modified_at, is_deleted FROM users WHERE id = $1"
                : "SELECT id, status, user_id, quantity, total_amount, placed_at, modified_at, is_deleted FROM orders WHERE id = $1";
            await tables.WaitUntilAsync(
                async () => (await tables.RowsAsync(sql, Guid.Parse(corpusCase.Id))).SequenceEqual([corpusCase.Row!]), $"{corpusCase.File} stored");
        }

        await AssertDeadLettersAsync(setup, setup.UsersTopic, setup.UsersDeadLetterTopic, cases.Where(c => c.Topic == "users"), origins);
        await AssertDeadLettersAsync(setup, setup.OrdersTopic, setup.OrdersDeadLetterTopic, cases.Where(c => c.Topic == "orders"), origins);
        foreach (var corpusCase in cases.Where(c => c.Expect == CorpusCase.DeadLetter))
        {
            var table = corpusCase.Topic == "users" ? "users" : "orders";
            Assert.Equal(0L, await tables.ScalarAsync<long>($"SELECT count(*) FROM {table} WHERE id = $1", Guid.Parse(corpusCase.Id)));
        }

        // Nothing is left waiting or retried: the partitions the run wrote to are committed to their ends.
        await tables.WaitUntilAsync(
            async () => (await setup.HighWatermarksAsync()).Where(NotEmpty).SequenceEqual((await setup.CommittedOffsetsAsync()).Where(NotEmpty)),
            "offsets committed to the end");
    }

    /// <summary>A partition with messages ("topic [[p]]=offset" with an offset above zero): the others have nothing to commit.</summary>
    private static bool NotEmpty(string partitionOffset) => long.Parse(partitionOffset[(partitionOffset.LastIndexOf('=') + 1)..], CultureInfo.InvariantCulture) > 0;

    private static async Task AssertDeadLettersAsync(
        ConsumerTestSetup setup, string topic, string deadLetterTopic, IEnumerable<CorpusCase> cases, Dictionary<CorpusCase, TopicPartitionOffset> origins)
    {
        var expected = cases.Where(c => c.Expect == CorpusCase.DeadLetter).ToList();
        await setup.Kafka.ConsumeAllAsync(deadLetterTopic, expected.Count, TimeSpan.FromSeconds(90));
        var letters = await setup.Kafka.ReadToEndAsync(deadLetterTopic, TimeSpan.FromSeconds(30));

        Assert.Equal(
            expected.Select(c => origins[c].Offset.Value).Order(),
            letters.Select(l => long.Parse(l.Header(KafkaDeadLetterHeaders.OriginOffset)!, CultureInfo.InvariantCulture)).Order());
        foreach (var corpusCase in expected)
        {
            var letter = Assert.Single(letters, l => l.Header(KafkaDeadLetterHeaders.OriginOffset) == origins[corpusCase].Offset.Value.ToString(CultureInfo.InvariantCulture));
            var reason = letter.Header(KafkaDeadLetterHeaders.Reason);
            Assert.True(reason?.Contains(corpusCase.Reason!, StringComparison.Ordinal) == true, $"{corpusCase.File}: reason '{reason}' lacks '{corpusCase.Reason}'");
            Assert.Equal(topic, letter.Header(KafkaDeadLetterHeaders.OriginTopic));
            Assert.Equal(corpusCase.HasKey ? corpusCase.Id : null, letter.KeyString);
            var value = corpusCase.Value();
            // Above the dead-letter producer's message.max.bytes (1,000,000 by default) only a truncated dead letter fits.
            Assert.Equal(value.Length > 1_000_000, letter.Header(KafkaDeadLetterHeaders.ValueTruncated) is not null);
            if (letter.Header(KafkaDeadLetterHeaders.ValueTruncated) is { } truncated)
            {
                Assert.Equal(value.Length.ToString(CultureInfo.InvariantCulture), truncated);
                Assert.True(letter.Value!.Length < value.Length && value.AsSpan().StartsWith(letter.Value), $"{corpusCase.File}: the truncated value is not a prefix");
            }
            else
            {
                Assert.Equal(value, letter.Value ?? []);
            }
        }
    }

    /// <summary>A new user and an order of the corpus owner, on partition 0 like the cases.</summary>
    private static async Task ProduceGoodAsync(IProducer<byte[]?, byte[]?> producer, ConsumerTestSetup setup, List<Guid> users, List<Guid> orders)
    {
        var (user, order) = (Guid.NewGuid(), Guid.NewGuid());
        var at = T0.AddSeconds(users.Count + 1);
        await ProduceAsync(producer, setup.UsersTopic, user.ToString(), GoJson.UserCreate(user, $"Good {users.Count}", new DateOnly(1991, 2, 3), at));
        await ProduceAsync(producer, setup.OrdersTopic, order.ToString(), GoJson.OrderCreate(order, Owner, 1, 7.5, at));
        users.Add(user);
        orders.Add(order);
    }

    private static Task ProduceAsync(IProducer<byte[]?, byte[]?> producer, string topic, string key, string json) =>
        producer.ProduceAsync(
            new TopicPartition(topic, 0),
            new Message<byte[]?, byte[]?> { Key = Encoding.UTF8.GetBytes(key), Value = Encoding.UTF8.GetBytes(json) },
            TestContext.Current.CancellationToken);
}
