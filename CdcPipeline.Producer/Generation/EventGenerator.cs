using System.Text.Json;
using Bogus;
using CdcPipeline.Events;

namespace CdcPipeline.Producer.Generation;

/// <summary>
/// Generates the original pipeline's user and order events from a seed: the same seed and clock give the same
/// events, byte for byte. UPDATE and DELETE aim at entities created earlier and not deleted; orders are placed
/// for live users; a user's deletion also ends its orders (the database cascades it), so they are not targeted again.
/// Each event names the events of the other topic it must follow (<see cref="GeneratedEvent.After"/>).
/// </summary>
internal sealed class EventGenerator
{
    public const int MaxNameLength = 50;
    public static readonly DateOnly EarliestDateOfBirth = new(1970, 1, 1);
    public static readonly DateOnly LatestDateOfBirth = new(2015, 12, 31);
    public const int MinQuantity = 1;
    public const int MaxQuantity = 100;
    public const int MinUnitPriceCents = 100;
    public const int MaxUnitPriceCents = 5100;

    /// <summary>Bounds the memory of a long continuous run: beyond it a random live entity is forgotten (never targeted again).</summary>
    public const int DefaultMaxTrackedPerKind = 100_000;

    private readonly int _maxTrackedPerKind;

    private readonly Faker _faker;
    private readonly EventTimestamps _timestamps;
    private readonly EventTypeBag _userTypes;
    private readonly EventTypeBag _orderTypes;
    private readonly TrackedIds _liveUsers = new();
    private readonly TrackedIds _liveOrders = new();
    private readonly Dictionary<Guid, List<Guid>> _ordersOfUser = [];
    private readonly Dictionary<Guid, Guid> _userOfOrder = [];

    public EventGenerator(int seed, TimeProvider clock, int maxTrackedPerKind = DefaultMaxTrackedPerKind)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTrackedPerKind, 2);
        _maxTrackedPerKind = maxTrackedPerKind;
        _faker = new Faker("en") { Random = new Randomizer(seed) };
        _timestamps = new EventTimestamps(clock);
        _userTypes = new EventTypeBag(_faker.Random);
        _orderTypes = new EventTypeBag(_faker.Random);
    }

    public int LiveUsers => _liveUsers.Count;

    public int LiveOrders => _liveOrders.Count;

    /// <summary>An event of either kind; <paramref name="userShare"/> is the chance of a user event once a user exists.</summary>
    public GeneratedEvent NextEvent(double userShare) =>
        _liveUsers.Count == 0 || _faker.Random.Double() < userShare ? NextUserEvent() : NextOrderEvent();

    public GeneratedEvent NextUserEvent()
    {
        // The last live user is never deleted, so an order always has a user to aim at.
        var type = _userTypes.Draw(canUpdate: _liveUsers.Count > 0, canDelete: _liveUsers.Count > 1);
        IReadOnlyList<string> after = [];
        var userEvent = type switch
        {
            EventType.Create => CreateUser(),
            EventType.Update => new UserEvent
            {
                EventType = EventType.Update,
                UserId = _liveUsers.Pick(_faker.Random),
                Name = NewName(),
                ModifiedAt = _timestamps.Next(),
            },
            _ => DeleteUser(out after),
        };

        return new GeneratedEvent(
            EntityKind.User,
            type,
            userEvent.UserId.ToString(),
            EventJson.Serialize(userEvent))
        {
            After = after,
        };
    }

    public GeneratedEvent NextOrderEvent()
    {
        if (_liveUsers.Count == 0)
        {
            throw new InvalidOperationException("An order event needs a live user: generate a user event first.");
        }

        var canModify = _liveOrders.Count > 0;
        var type = _orderTypes.Draw(canUpdate: canModify, canDelete: canModify);
        var orderEvent = type switch
        {
            EventType.Create => PlaceOrder(),
            EventType.Update => new OrderEvent
            {
                EventType = EventType.Update,
                OrderId = _liveOrders.Pick(_faker.Random),
                Status = OrderStatus.Shipped,
                ModifiedAt = _timestamps.Next(),
            },
            _ => CancelOrder(),
        };

        return new GeneratedEvent(
            EntityKind.Order,
            type,
            orderEvent.OrderId.ToString(),
            EventJson.Serialize(orderEvent))
        {
            After = orderEvent.UserId is { } userId ? [userId.ToString()] : [],
        };
    }

    private UserEvent CreateUser()
    {
        var userEvent = new UserEvent
        {
            EventType = EventType.Create,
            UserId = NewUuid(),
            Name = NewName(),
            DateOfBirth = _faker.Date.BetweenDateOnly(EarliestDateOfBirth, LatestDateOfBirth),
            CreatedAt = _timestamps.Next(),
        };

        if (_liveUsers.Count >= _maxTrackedPerKind)
        {
            ForgetUser(_liveUsers.Pick(_faker.Random));
        }

        _liveUsers.Add(userEvent.UserId);
        return userEvent;
    }

    /// <summary>Deletes a live user; <paramref name="orders"/> are the keys of the orders it ends.</summary>
    private UserEvent DeleteUser(out IReadOnlyList<string> orders)
    {
        var userId = _liveUsers.Pick(_faker.Random);
        orders = [];
        if (_ordersOfUser.TryGetValue(userId, out var ordersOfUser))
        {
            foreach (var orderId in ordersOfUser)
            {
                _liveOrders.Remove(orderId);
            }

            orders = ordersOfUser.Select(orderId => orderId.ToString()).ToArray();
        }

        ForgetUser(userId);

        return new UserEvent { EventType = EventType.Delete, UserId = userId, ModifiedAt = _timestamps.Next() };
    }

    private void ForgetUser(Guid userId)
    {
        _liveUsers.Remove(userId);

        // Orders of a user that is only forgotten stay live: that user is never deleted by this generator.
        if (_ordersOfUser.Remove(userId, out var orders))
        {
            foreach (var orderId in orders)
            {
                _userOfOrder.Remove(orderId);
            }
        }
    }

    private OrderEvent PlaceOrder()
    {
        var quantity = _faker.Random.Int(MinQuantity, MaxQuantity);
        var unitPriceCents = _faker.Random.Int(MinUnitPriceCents, MaxUnitPriceCents);
        var orderEvent = new OrderEvent
        {
            EventType = EventType.Create,
            OrderId = NewUuid(),
            Status = OrderStatus.Placed,
            UserId = _liveUsers.Pick(_faker.Random),

            Quantity = quantity,

            // Decimal division keeps only the digits needed, so 12.30 is written 12.3 as Go writes the number.
            OrderTotal = unitPriceCents * quantity / 100m,
            PlacedAt = _timestamps.Next(),
        };

        if (_liveOrders.Count >= _maxTrackedPerKind)
        {
            ForgetOrder(_liveOrders.Pick(_faker.Random));
        }

        var userId = orderEvent.UserId!.Value;
        _liveOrders.Add(orderEvent.OrderId);
        _userOfOrder.Add(orderEvent.OrderId, userId);
        if (!_ordersOfUser.TryGetValue(userId, out var orders))
        {
            orders = [];
            _ordersOfUser.Add(userId, orders);
        }

        orders.Add(orderEvent.OrderId);
        return orderEvent;
    }

    private OrderEvent CancelOrder()
    {
        // It stays among its user's orders: the user's DELETE must still follow this event.
        var orderId = _liveOrders.Pick(_faker.Random);
        _liveOrders.Remove(orderId);
        return new OrderEvent
        {
            EventType = EventType.Delete,
            OrderId = orderId,
            Status = OrderStatus.Cancelled,
            ModifiedAt = _timestamps.Next(),
        };
    }

    private void ForgetOrder(Guid orderId)
    {
        _liveOrders.Remove(orderId);
        if (_userOfOrder.Remove(orderId, out var userId) && _ordersOfUser.TryGetValue(userId, out var orders))
        {
            orders.Remove(orderId);
        }
    }

    /// <summary>A random (version 4) UUID from the seeded generator, as Go's <c>uuid.New()</c> makes them.</summary>
    private Guid NewUuid()
    {
        Span<byte> bytes = stackalloc byte[16];
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] = _faker.Random.Byte();
        }

        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }

    private string NewName()
    {
        var name = _faker.Name.FullName();
        return name.Length <= MaxNameLength ? name : name[..MaxNameLength].TrimEnd();
    }
}
