using System.Text;

namespace CdcPipeline.Tests.CassandraSink;

/// <summary>One message of a change topic: the table, the row's key (Debezium's message key) and the value.</summary>
internal sealed record ChangeMessage(string Table, Guid RowId, byte[]? Value)
{
    /// <summary>Debezium's key without schema: the primary key columns.</summary>
    public byte[] Key => Encoding.UTF8.GetBytes($$"""{"id":"{{RowId}}"}""");
}

/// <summary>
/// A random history of PostgreSQL changes to users and orders, as Debezium would publish it (in commit order), and
/// the state PostgreSQL ends in. A snapshot comes first; the first streamed transaction was running during the
/// snapshot, so its changes have LSNs below the snapshot's.
/// </summary>
internal sealed class ChangeHistory
{
    private const long SnapshotLsn = 50_000_000;
    private readonly Random _random;
    private readonly bool _withSchema;
    private long _lsn;

    private ChangeHistory(int seed, bool withSchema)
    {
        _random = new Random(seed);
        _withSchema = withSchema;
    }

    public List<ChangeMessage> Messages { get; } = [];

    /// <summary>PostgreSQL's rows at the end of the history.</summary>
    public Dictionary<Guid, UserState> Users { get; } = [];

    public Dictionary<Guid, OrderState> Orders { get; } = [];

    /// <summary>Every id that ever existed, to check that deleted rows are gone.</summary>
    public HashSet<Guid> UserIds { get; } = [];

    public HashSet<Guid> OrderIds { get; } = [];

    /// <summary>The user changed by the transaction that straddled the snapshot; no later change touches it.</summary>
    public Guid StraddlingUserId { get; private set; }

    /// <summary>The order moved from user A to user B and back to A at the start of the stream; no later change touches it.</summary>
    public Guid MovedOrderId { get; private set; }

    public Guid MoveUserA { get; private set; }

    public Guid MoveUserB { get; private set; }

    public static ChangeHistory Generate(int seed, int snapshotUsers = 5, int steps = 120, bool withSchema = false)
    {
        var history = new ChangeHistory(seed, withSchema);
        history.Snapshot(snapshotUsers);
        history.Stream(steps);
        return history;
    }

    private void Snapshot(int users)
    {
        for (var i = 0; i < users; i++)
        {
            var user = NewUser();
            Users[user.Id] = user;
            Emit(ChangeEventBuilder.User('r', null, user, SnapshotLsn, withSchema: _withSchema, snapshot: "true"), "users", user.Id);
            var order = NewOrder(user.Id);
            Orders[order.Id] = order;
            Emit(ChangeEventBuilder.Order('r', null, order, SnapshotLsn, withSchema: _withSchema, snapshot: "true"), "orders", order.Id);
        }
    }

    private void Stream(int steps)
    {
        // The transaction that straddled the snapshot: logged before the snapshot LSN, committed after it.
        _lsn = SnapshotLsn - 10_000;
        var first = Users.Values.First();
        StraddlingUserId = first.Id;
        Update(first, first with { Name = StraddlingName, ModifiedAt = Now() });

        _lsn = SnapshotLsn + 1_000;
        MoveOrderAwayAndBack();
        for (var step = 0; step < steps; step++)
        {
            var users = Users.Values.Where(u => u.Id != StraddlingUserId).ToList();
            var orders = Orders.Values.Where(o => o.Id != MovedOrderId).ToList();
            switch (_random.Next(10))
            {
                case 0 or 1:
                    var user = NewUser();
                    Users[user.Id] = user;
                    Emit(ChangeEventBuilder.User('c', null, user, NextLsn(), withSchema: _withSchema), "users", user.Id);
                    break;
                case 2 when users.Count > 0:
                    var renamed = Pick(users);
                    Update(renamed, renamed with { Name = $"name {step}", ModifiedAt = Now() });
                    break;
                case 3 when users.Count > 0:
                    var soft = Pick(users);
                    Update(soft, soft with { IsDeleted = true, ModifiedAt = Now() });
                    break;
                case 4 when users.Count > 0:
                    var gone = Pick(users);
                    if (Orders.Values.All(o => o.UserId != gone.Id))
                    {
                        Users.Remove(gone.Id);
                        Emit(ChangeEventBuilder.User('d', gone, null, NextLsn(), withSchema: _withSchema), "users", gone.Id);
                        Emit(null, "users", gone.Id);
                    }

                    break;
                case 5 or 6 when users.Count > 0:
                    var order = NewOrder(Pick(users).Id);
                    Orders[order.Id] = order;
                    Emit(ChangeEventBuilder.Order('c', null, order, NextLsn(), withSchema: _withSchema), "orders", order.Id);
                    break;
                case 7 when orders.Count > 0:
                    var shipped = Pick(orders);
                    Update(shipped, shipped with { Status = "SHIPPED", ModifiedAt = Now() });
                    break;
                case 8 when orders.Count > 0 && users.Count > 0:
                    // Moves the order in orders_by_user: another user, or another placed_at.
                    var moved = Pick(orders);
                    Update(moved, _random.Next(2) == 0
                        ? moved with { UserId = Pick(users).Id, ModifiedAt = Now() }
                        : moved with { PlacedAt = moved.PlacedAt!.Value.AddMinutes(_random.Next(1, 500)), ModifiedAt = Now() });
                    break;
                case 9 when orders.Count > 0:
                    var deleted = Pick(orders);
                    Orders.Remove(deleted.Id);
                    Emit(ChangeEventBuilder.Order('d', deleted, null, NextLsn(), withSchema: _withSchema), "orders", deleted.Id);
                    Emit(null, "orders", deleted.Id);
                    break;
            }
        }
    }

    public const string StraddlingName = "straddling update";

    /// <summary>orders_by_user A → B → A: the listing under A is deleted, then written again, and must end up there.</summary>
    private void MoveOrderAwayAndBack()
    {
        var users = Users.Values.Where(u => u.Id != StraddlingUserId).Take(2).ToList();
        if (users.Count < 2)
        {
            throw new ArgumentException("the A→B→A move needs at least three snapshot users");
        }

        MoveUserA = users[0].Id;
        MoveUserB = users[1].Id;
        var order = NewOrder(MoveUserA);
        MovedOrderId = order.Id;
        Orders[order.Id] = order;
        Emit(ChangeEventBuilder.Order('c', null, order, NextLsn(), withSchema: _withSchema), "orders", order.Id);
        var atB = order with { UserId = MoveUserB, ModifiedAt = Now() };
        Update(order, atB);
        Update(atB, atB with { UserId = MoveUserA, ModifiedAt = Now() });
    }

    private void Update(UserState before, UserState after)
    {
        Users[after.Id] = after;
        Emit(ChangeEventBuilder.User('u', before, after, NextLsn(), withSchema: _withSchema), "users", after.Id);
    }

    private void Update(OrderState before, OrderState after)
    {
        Orders[after.Id] = after;
        Emit(ChangeEventBuilder.Order('u', before, after, NextLsn(), withSchema: _withSchema), "orders", after.Id);
    }

    private void Emit(byte[]? value, string table, Guid id) => Messages.Add(new ChangeMessage(table, id, value));

    private long NextLsn() => _lsn += _random.Next(8, 400);

    private T Pick<T>(List<T> items) => items[_random.Next(items.Count)];

    private UserState NewUser()
    {
        var user = new UserState(NewId(), $"user {UserIds.Count}", new DateOnly(1970, 1, 1).AddDays(_random.Next(0, 16_000)),
            Now(), null, false);
        UserIds.Add(user.Id);
        return user;
    }

    private OrderState NewOrder(Guid userId)
    {
        var quantity = _random.Next(1, 101);
        var order = new OrderState(NewId(), "PLACED", userId, quantity, quantity * (decimal)_random.Next(100, 5_100) / 100m,
            // Distinct milliseconds: orders_by_user lists a user's orders by placed_at.
            new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMilliseconds(OrderIds.Count * 7_919 + _random.Next(7_000)).AddTicks(_random.Next(10_000)),
            null, false);
        OrderIds.Add(order.Id);
        return order;
    }

    private Guid NewId()
    {
        Span<byte> bytes = stackalloc byte[16];
        _random.NextBytes(bytes);
        return new Guid(bytes);
    }

    private DateTimeOffset Now() =>
        new DateTimeOffset(2024, 6, 1, 0, 0, 0, TimeSpan.Zero).AddMilliseconds(_lsn / 10).AddTicks(_random.Next(10_000));

    /// <summary>
    /// The messages in another order Kafka could deliver them in: each row's messages (one key, so one partition)
    /// keep their order; messages of different rows interleave at random.
    /// </summary>
    public List<ChangeMessage> ShuffledWithinKafkaRules(int seed)
    {
        var random = new Random(seed);
        var queues = Messages.GroupBy(m => (m.Table, m.RowId)).Select(g => new Queue<ChangeMessage>(g)).ToList();
        var shuffled = new List<ChangeMessage>(Messages.Count);
        while (queues.Count > 0)
        {
            var index = random.Next(queues.Count);
            shuffled.Add(queues[index].Dequeue());
            if (queues[index].Count == 0)
            {
                queues.RemoveAt(index);
            }
        }

        return shuffled;
    }
}
