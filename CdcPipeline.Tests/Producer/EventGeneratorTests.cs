using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using CdcPipeline.Events;
using CdcPipeline.Producer.Generation;

namespace CdcPipeline.Tests.Producer;

public partial class EventGeneratorTests
{
    private const int LargeSample = 20_000;
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 20, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Same_seed_and_clock_give_byte_identical_events()
    {
        var first = Generate(seed: 1234, LargeSample);
        var second = Generate(seed: 1234, LargeSample);

        Assert.Equal(first.Count, second.Count);
        for (var i = 0; i < first.Count; i++)
        {
            Assert.Equal(first[i].Key, second[i].Key);
            Assert.Equal(first[i].Json, second[i].Json);
        }
    }

    [Fact]
    public void Each_event_names_the_events_of_the_other_topic_it_must_follow()
    {
        var events = Generate(seed: 99, LargeSample);
        var ordersOfUser = new Dictionary<string, HashSet<string>>();
        var deletesWithOrders = 0;
        foreach (var generated in events)
        {
            using var json = JsonDocument.Parse(generated.Json);
            switch (generated.Kind, generated.Type)
            {
                case (EntityKind.Order, EventType.Create):
                    var user = json.RootElement.GetProperty("user_id").GetString()!;
                    Assert.Equal([user], generated.After);
                    (ordersOfUser.TryGetValue(user, out var orders) ? orders : ordersOfUser[user] = []).Add(generated.Key);
                    break;
                case (EntityKind.User, EventType.Delete):
                    // Cancelled orders too: their DELETE events may still be on their way.
                    var placed = ordersOfUser.Remove(generated.Key, out var ended) ? ended : [];
                    Assert.Equal(placed.Order(), generated.After.Order());
                    deletesWithOrders += placed.Count > 0 ? 1 : 0;
                    break;
                default:
                    Assert.Empty(generated.After);
                    break;
            }
        }

        Assert.True(deletesWithOrders > 0, "no user deletion ended an order in the sample");
    }

    [Fact]
    public void Different_seed_gives_different_events()
    {
        var first = Generate(seed: 1234, 100);
        var second = Generate(seed: 4321, 100);

        Assert.NotEqual(first.Select(e => e.Key), second.Select(e => e.Key));
        Assert.Empty(first.Select(e => e.Key).Intersect(second.Select(e => e.Key)));
    }

    [Fact]
    public void The_first_event_of_each_kind_is_a_create_whatever_the_seed()
    {
        for (var seed = 0; seed < 200; seed++)
        {
            var generator = new EventGenerator(seed, new FixedTimeProvider(Now));
            Assert.Equal(EventType.Create, generator.NextUserEvent().Type);
            Assert.Equal(EventType.Create, generator.NextOrderEvent().Type);
        }
    }

    [Fact]
    public void The_original_run_starts_with_creates_and_keeps_the_mix()
    {
        var generator = new EventGenerator(7, new FixedTimeProvider(Now));
        var users = Enumerable.Range(0, 7).Select(_ => generator.NextUserEvent()).ToList();
        var orders = Enumerable.Range(0, 10).Select(_ => generator.NextOrderEvent()).ToList();

        Assert.Equal(EventType.Create, users[0].Type);
        Assert.Equal(EventType.Create, orders[0].Type);
        Assert.Equal(
            new[] { (EventType.Create, 6), (EventType.Update, 3), (EventType.Delete, 1) },
            orders.GroupBy(o => o.Type).OrderBy(g => g.Key).Select(g => (g.Key, g.Count())));
        Assert.All(users, u => Assert.Equal(EntityKind.User, u.Kind));
        Assert.All(orders, o => Assert.Equal(EntityKind.Order, o.Kind));
    }

    [Theory]
    [InlineData("User")]
    [InlineData("Order")]
    public void Mix_is_sixty_percent_creates_thirty_updates_ten_deletes(string entity)
    {
        var kind = Enum.Parse<EntityKind>(entity);
        var events = Generate(seed: 99, LargeSample).Where(e => e.Kind == kind).ToList();

        Assert.True(events.Count > LargeSample / 4, $"only {events.Count} {kind} events");
        AssertShare(events, EventType.Create, 0.60);
        AssertShare(events, EventType.Update, 0.30);
        AssertShare(events, EventType.Delete, 0.10);
    }

    [Theory]
    [InlineData(EventGenerator.DefaultMaxTrackedPerKind)]
    [InlineData(50)]
    public void Updates_and_deletes_target_live_entities_and_orders_target_live_users(int maxTrackedPerKind)
    {
        var liveUsers = new HashSet<string>();
        var deletedUsers = new HashSet<string>();
        var liveOrders = new Dictionary<string, string>();
        var endedOrders = new HashSet<string>();

        var generator = new EventGenerator(5, new FixedTimeProvider(Now), maxTrackedPerKind);
        for (var i = 0; i < LargeSample; i++)
        {
            var generated = generator.NextEvent(userShare: 0.4);
            Assert.InRange(generator.LiveUsers, 0, maxTrackedPerKind);
            Assert.InRange(generator.LiveOrders, 0, maxTrackedPerKind);
            using var document = JsonDocument.Parse(generated.Json);
            var json = document.RootElement;
            var type = json.GetProperty("event_type").GetString();
            if (generated.Kind == EntityKind.User)
            {
                var userId = json.GetProperty("user_id").GetString()!;
                Assert.Equal(userId, generated.Key);
                Assert.Equal(4, Guid.Parse(userId).Version);
                switch (type)
                {
                    case "CREATE":
                        Assert.False(liveUsers.Contains(userId) || deletedUsers.Contains(userId), $"user {userId} created twice");
                        liveUsers.Add(userId);
                        break;
                    case "UPDATE":
                        Assert.Contains(userId, liveUsers);
                        break;
                    default:
                        Assert.Equal("DELETE", type);
                        Assert.True(liveUsers.Remove(userId), $"deleted user {userId} is not live");
                        deletedUsers.Add(userId);
                        foreach (var order in liveOrders.Where(o => o.Value == userId).Select(o => o.Key).ToList())
                        {
                            liveOrders.Remove(order);
                            endedOrders.Add(order);
                        }

                        break;
                }
            }
            else
            {
                var orderId = json.GetProperty("order_id").GetString()!;
                Assert.Equal(orderId, generated.Key);
                Assert.Equal(4, Guid.Parse(orderId).Version);
                switch (type)
                {
                    case "CREATE":
                        var userId = json.GetProperty("user_id").GetString()!;
                        Assert.Contains(userId, liveUsers);
                        Assert.False(liveOrders.ContainsKey(orderId) || endedOrders.Contains(orderId), $"order {orderId} created twice");
                        liveOrders.Add(orderId, userId);
                        break;
                    case "UPDATE":
                        Assert.True(liveOrders.ContainsKey(orderId), $"updated order {orderId} is not live");
                        break;
                    default:
                        Assert.Equal("DELETE", type);
                        Assert.True(liveOrders.Remove(orderId), $"cancelled order {orderId} is not live");
                        endedOrders.Add(orderId);
                        break;
                }
            }
        }

        Assert.NotEmpty(deletedUsers);
        Assert.NotEmpty(endedOrders);
    }

    [Fact]
    public void Values_stay_within_the_schema_limits()
    {
        foreach (var generated in Generate(seed: 11, LargeSample).Where(e => e.Type == EventType.Create))
        {
            using var document = JsonDocument.Parse(generated.Json);
            var json = document.RootElement;
            if (generated.Kind == EntityKind.User)
            {
                var name = json.GetProperty("name").GetString()!;
                Assert.InRange(name.Length, 1, 50);
                Assert.Equal(name.Trim(), name);
                var dob = DateOnly.ParseExact(json.GetProperty("dob").GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture);
                Assert.InRange(dob, new DateOnly(1970, 1, 1), new DateOnly(2015, 12, 31));
            }
            else
            {
                Assert.Equal("PLACED", json.GetProperty("order_status").GetString());
                var quantity = json.GetProperty("quantity").GetInt32();
                Assert.InRange(quantity, 1, 100);
                var totalText = json.GetProperty("order_total").GetRawText();
                Assert.Matches(GoNumber(), totalText);
                var total = json.GetProperty("order_total").GetDecimal();
                Assert.True(total < 100_000_000m, $"order_total {total} does not fit decimal(10,2)");
                var unitPriceCents = total * 100 / quantity;
                Assert.Equal(decimal.Truncate(unitPriceCents), unitPriceCents);
                Assert.InRange(unitPriceCents, 100m, 5100m);
            }
        }
    }

    [Fact]
    public void Json_has_exactly_the_original_fields_of_each_event()
    {
        string[] userCreate = ["event_type", "user_id", "name", "dob", "created_at"];
        string[] userUpdate = ["event_type", "user_id", "name", "modified_at"];
        string[] userDelete = ["event_type", "user_id", "modified_at"];
        string[] orderCreate = ["event_type", "order_id", "order_status", "user_id", "quantity", "order_total", "placed_at"];
        string[] orderChange = ["event_type", "order_id", "order_status", "modified_at"];
        var seen = new HashSet<(EntityKind, EventType)>();

        foreach (var generated in Generate(seed: 3, 2_000))
        {
            seen.Add((generated.Kind, generated.Type));
            using var document = JsonDocument.Parse(generated.Json);
            var json = document.RootElement;
            var expected = (generated.Kind, generated.Type) switch
            {
                (EntityKind.User, EventType.Create) => userCreate,
                (EntityKind.User, EventType.Update) => userUpdate,
                (EntityKind.User, EventType.Delete) => userDelete,
                (EntityKind.Order, EventType.Create) => orderCreate,
                _ => orderChange,
            };
            Assert.Equal(expected, json.EnumerateObject().Select(p => p.Name));
            Assert.DoesNotContain(json.EnumerateObject(), p => p.Value.ValueKind == JsonValueKind.Null);

            if (generated.Kind == EntityKind.Order && generated.Type != EventType.Create)
            {
                Assert.Equal(generated.Type == EventType.Update ? "SHIPPED" : "CANCELLED", json.GetProperty("order_status").GetString());
            }

            foreach (var timestamp in json.EnumerateObject().Where(p => p.Name.EndsWith("_at", StringComparison.Ordinal)))
            {
                Assert.Matches(Rfc3339Utc(), timestamp.Value.GetString());
            }
        }

        Assert.Equal(6, seen.Count);
    }

    [Fact]
    public void Timestamps_increase_even_when_the_clock_stands_still()
    {
        var timestamps = Generate(seed: 8, 1_000)
            .Select(e => JsonDocument.Parse(e.Json).RootElement)
            .Select(json => json.EnumerateObject().Single(p => p.Name.EndsWith("_at", StringComparison.Ordinal)).Value.GetDateTimeOffset())
            .ToList();

        Assert.Equal(Now, timestamps[0]);
        for (var i = 1; i < timestamps.Count; i++)
        {
            Assert.Equal(TimeSpan.FromMicroseconds(1), timestamps[i] - timestamps[i - 1]);
        }
    }

    private static List<GeneratedEvent> Generate(int seed, int count)
    {
        var generator = new EventGenerator(seed, new FixedTimeProvider(Now));
        return Enumerable.Range(0, count).Select(_ => generator.NextEvent(userShare: 0.4)).ToList();
    }

    private static void AssertShare(List<GeneratedEvent> events, EventType type, double expected)
    {
        var share = events.Count(e => e.Type == type) / (double)events.Count;
        Assert.InRange(share, expected - 0.01, expected + 0.01);
    }

    /// <summary>A JSON number as Go writes a float64 of at most two decimals: no trailing zeros, no exponent.</summary>
    [GeneratedRegex(@"^[1-9][0-9]*(\.[0-9]?[1-9])?$")]
    private static partial Regex GoNumber();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d*[1-9])?Z$")]
    private static partial Regex Rfc3339Utc();
}
