using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using CdcPipeline.Tests.CassandraSink;
using CdcPipeline.Tests.Consumer;
using CdcPipeline.Tests.Infrastructure.Kafka;
using CdcPipeline.Tests.Infrastructure.Postgres;
using CdcPipeline.Tests.Pipeline;
using Npgsql;

namespace CdcPipeline.Tests.Reliability;

/// <summary>
/// After the faults stop: what the produced events imply against what PostgreSQL, Cassandra and the dead-letter
/// topics hold. The reference applies the original's statements, one event at a time in the order the Producer made
/// them, to a database of its own; orders whose user never reached Kafka (a Producer killed between the two sends)
/// cannot apply anywhere and must be dead letters instead.
/// </summary>
internal sealed partial class PipelineChecker(LocalPeers peers, PostgresFixture referenceServer)
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);
    private static readonly string[] EventDeadLetterTopics = ["users.dlq", "orders.dlq"];

    public async Task<PipelineFindings> CheckAsync(IReadOnlyList<ServiceRun> producerRuns, TimeSpan deadline, CancellationToken cancellationToken)
    {
        using var kafka = new KafkaTestClient(peers.Kafka);
        var users = await kafka.ReadToEndAsync("users", TimeSpan.FromMinutes(2));
        var orders = await kafka.ReadToEndAsync("orders", TimeSpan.FromMinutes(2));
        var produced = ProducedEvents.InGeneratedOrder(users, orders);
        var distinct = produced.Distinct().ToList();
        var orphans = OrphanOrderEvents(distinct);
        var acknowledged = producerRuns.SelectMany(run => ProducerAcknowledgement.In(run.Process.Output)).ToList();
        var onTopics = users.Concat(orders).Select(r => (r.Topic, r.Partition, r.Offset, r.KeyString)).ToHashSet();
        var expectedRows = await ConsumerDeliveryTests.ReferenceAsync(referenceServer, distinct.Where(e => !orphans.Contains(e)));

        var tables = new CdcTables(peers.DatabaseConnectionString);
        var until = DateTime.UtcNow + deadline;
        var (postgresUsers, postgresOrders) = await PollAsync(
            async () => (await tables.UsersAsync(), await tables.OrdersAsync()),
            rows => rows.Item1.SequenceEqual(expectedRows.Users) && rows.Item2.SequenceEqual(expectedRows.Orders),
            until, cancellationToken);

        var expectedCassandra = CassandraTables.Canonical(CassandraState.Expected(await PostgresRows.UsersAsync(tables), await PostgresRows.OrdersAsync(tables)));
        var cassandra = await new CassandraTables(peers.Cql.ConnectionString).WaitForAsync(
            expectedCassandra, Remaining(until), cancellationToken) ?? new CassandraState([], [], []);

        var deadLetters = await PollAsync(
            () => ReadDeadLettersAsync(kafka),
            letters => orphans.All(o => letters.Any(l => l.Event == o)),
            until, cancellationToken);

        return new PipelineFindings
        {
            UserEvents = distinct.Count(e => e.IsUser),
            OrderEvents = distinct.Count(e => !e.IsUser),
            DuplicateEvents = produced.Count - distinct.Count,
            AcknowledgedEvents = producerRuns.Sum(run => LastDeliveredCount(run.Process.Output)),
            AcknowledgedNotOnTopic = [.. acknowledged.Where(a => !onTopics.Contains((a.Topic, a.Partition, a.Offset, a.Key))).Select(a => a.ToString())],
            RetentionDrops = [.. RetentionDrops(users), .. RetentionDrops(orders)],
            Postgres =
            [
                RowComparison.Of("PostgreSQL users", expectedRows.Users, postgresUsers, RowId),
                RowComparison.Of("PostgreSQL orders", expectedRows.Orders, postgresOrders, RowId),
            ],
            Cassandra =
            [
                RowComparison.Of("Cassandra users", expectedCassandra.Users, cassandra.Users, u => u.Id),
                RowComparison.Of("Cassandra orders", expectedCassandra.Orders, cassandra.Orders, o => o.Id),
                RowComparison.Of("Cassandra orders_by_user", expectedCassandra.OrdersByUser, cassandra.OrdersByUser, l => (l.UserId, l.PlacedAt, l.OrderId)),
            ],
            ExpectedDeadLetters = orphans.Count,
            MissingDeadLetters = orphans.Count(o => deadLetters.All(l => l.Event != o)),
            DeadLetters = deadLetters.Count,
            UnexpectedDeadLetters = [.. deadLetters.Where(l => l.Event is null || !orphans.Contains(l.Event)).Select(l => UserCreateTiming(l, users, acknowledged) is { } timing ? $"{l}{Environment.NewLine}        {timing}" : l.ToString())],
            DeadLettersWithoutReason = deadLetters.Count(l => string.IsNullOrWhiteSpace(l.Reason)),
        };
    }

    /// <summary>
    /// Events of orders whose CREATE names a user no user event created: the user's send was lost with a killed
    /// Producer while the order's was not (the two topics are sent independently). The order's later events follow it.
    /// </summary>
    private static HashSet<WireEvent> OrphanOrderEvents(IReadOnlyList<WireEvent> events)
    {
        var createdUsers = events.Where(e => e.IsUser && Field(e, "event_type") == "CREATE").Select(e => Field(e, "user_id")).ToHashSet(StringComparer.Ordinal);
        var placedOrders = events.Where(e => !e.IsUser && Field(e, "event_type") == "CREATE" && createdUsers.Contains(Field(e, "user_id")!))
            .Select(e => Field(e, "order_id"))
            .ToHashSet(StringComparer.Ordinal);
        return [.. events.Where(e => !e.IsUser && !placedOrders.Contains(Field(e, "order_id")!))];
    }

    private static string? Field(WireEvent wire, string name)
    {
        using var document = JsonDocument.Parse(wire.Json);
        return document.RootElement.TryGetProperty(name, out var value) ? value.GetString() : null;
    }

    private static string RowId(string row) => row[..row.IndexOf(' ', StringComparison.Ordinal)];

    private async Task<IReadOnlyList<DeadLetter>> ReadDeadLettersAsync(KafkaTestClient kafka)
    {
        var letters = new List<DeadLetter>();
        foreach (var topic in EventDeadLetterTopics.Concat(peers.Capture.ChangeTopics.Select(t => t + ".dlq")))
        {
            foreach (var record in await kafka.ReadToEndAsync(topic, TimeSpan.FromMinutes(1)))
            {
                var origin = record.Header("dlq.origin.topic");
                var wire = origin is "users" or "orders" && record.KeyString is { } key && record.ValueString is { } value
                    ? new WireEvent(origin == "users", key, value)
                    : null;
                letters.Add(new DeadLetter(topic, record.Offset, wire, record.Header("dlq.reason"), record.TimestampUtc));
            }
        }

        return letters;
    }

    /// <summary>Partitions whose oldest messages the mock cluster's retention dropped (the first offset left is not 0).</summary>
    private static IEnumerable<string> RetentionDrops(IEnumerable<KafkaRecord> records) =>
        records.GroupBy(r => (r.Topic, r.Partition))
            .Where(g => g.Min(r => r.Offset) > 0)
            .Select(g => $"{g.Key.Topic}[{g.Key.Partition}] starts at offset {g.Min(r => r.Offset)}");

    /// <summary>
    /// Events Kafka acknowledged to one Producer process, from the last count it logged: its summary when it stopped,
    /// its last progress line when it was killed. Each was acknowledged, so each must be on its topic.
    /// </summary>
    private static long LastDeliveredCount(string output)
    {
        var counts = DeliveredCount().Matches(output);
        return counts.Count == 0 ? 0 : long.Parse(counts[^1].Groups["count"].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<T> PollAsync<T>(Func<Task<T>> read, Func<T, bool> done, DateTime until, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                var value = await read();
                if (done(value) || DateTime.UtcNow >= until)
                {
                    return value;
                }
            }
            catch (Exception exception) when (exception is NpgsqlException or IOException or SocketException && DateTime.UtcNow < until)
            {
                // The last fault may have left PostgreSQL restarting: it is read again until the deadline.
            }

            await Task.Delay(Poll, cancellationToken);
        }
    }

    private static TimeSpan Remaining(DateTime until) => until - DateTime.UtcNow is var left && left > TimeSpan.FromSeconds(5) ? left : TimeSpan.FromSeconds(5);

    [GeneratedRegex(@"(?:Progress: (?<count>\d+) events delivered|Producer summary: \d+ events sent, (?<count>\d+) delivered)")]
    private static partial Regex DeliveredCount();

    /// <summary>
    /// For a dead-lettered event that names its user: when the letter was written and where the user's create
    /// landed. A create appended among records created much later was held back on its way to Kafka; one appended in
    /// time was held back by the Consumer; one not on the topic at all is told apart by whether a Producer logged
    /// Kafka's acknowledgement of it. Null for any other dead letter.
    /// </summary>
    private static string? UserCreateTiming(DeadLetter letter, IReadOnlyList<KafkaRecord> users, IReadOnlyList<ProducerAcknowledgement> acknowledged)
    {
        if (letter.Event is not { } named || Field(named, "user_id") is not { } userId)
        {
            return null;
        }

        var create = users.FirstOrDefault(r => r.KeyString == userId && r.ValueString is { } value
            && Field(new WireEvent(true, userId, value), "event_type") == "CREATE");
        if (create is null)
        {
            var acknowledgement = acknowledged.FirstOrDefault(a => a.Key == userId && a.EventType == "CREATE");
            return $"dead-lettered {Time(letter.TimestampUtc)}; no create of user {userId} on the users topic; " +
                (acknowledgement is null ? "no Producer logged an acknowledgement of it" : $"a Producer logged it: {acknowledgement}");
        }

        var partition = users.Where(r => r.Partition == create.Partition).OrderBy(r => r.Offset).ToList();
        var index = partition.FindIndex(r => r.Offset == create.Offset);
        string Created(int at) => at >= 0 && at < partition.Count ? Time(partition[at].TimestampUtc) : "-";
        return $"dead-lettered {Time(letter.TimestampUtc)}; its user's create users[{create.Partition}]@{create.Offset} created " +
            $"{Created(index)}, between records created {Created(index - 1)} and {Created(index + 1)}";
    }

    private static string Time(DateTime utc) => utc.ToString("HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture);

    private sealed record DeadLetter(string Topic, long Offset, WireEvent? Event, string? Reason, DateTime TimestampUtc)
    {
        public override string ToString() => $"{Topic}@{Offset} ({Reason ?? "no reason"}): {Event?.Json}";
    }
}
