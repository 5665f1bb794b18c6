namespace CdcPipeline.Tests.Consumer;

/// <summary>A message for topic users (<see cref="IsUser"/>) or orders, keyed by the entity id like the original.</summary>
internal sealed record WireEvent(bool IsUser, string Key, string Json);

/// <summary>
/// A reproducible stream in the original's mix (60 % CREATE, 30 % UPDATE, 10 % DELETE; updates and deletes aim at
/// entities created earlier; orders at existing users), with strictly increasing event times in varied UTC
/// offsets. Deleted users get no orders, so the final state does not depend on how the two topics interleave.
/// </summary>
internal sealed class Scenario
{
    private static readonly TimeSpan[] Offsets =
        [TimeSpan.Zero, TimeSpan.FromHours(5.5), TimeSpan.FromHours(-7), TimeSpan.FromHours(1), TimeSpan.FromHours(-3.5)];

    private static readonly string[] Names = ["Ada Lovelace", "Grace Hopper", "Zoë Ünal", "Łukasz Żak", "Mary O'Neil", "李小龍", "Søren Kierkegaard"];

    public List<WireEvent> UserEvents { get; } = [];

    public List<WireEvent> OrderEvents { get; } = [];

    public IEnumerable<WireEvent> All => UserEvents.Concat(OrderEvents);

    public static Scenario Generate(int seed, int userEvents, int orderEvents)
    {
        var random = new Random(seed);
        var scenario = new Scenario();
        var clock = new DateTimeOffset(2024, 3, 1, 4, 45, 30, TimeSpan.Zero).AddTicks(1_234_560);
        DateTimeOffset Next()
        {
            clock = clock.AddMilliseconds(random.Next(1, 1000)).AddTicks(random.Next(0, 1000) * 10);
            return clock.ToOffset(Offsets[random.Next(Offsets.Length)]);
        }

        Guid NewId()
        {
            var bytes = new byte[16];
            random.NextBytes(bytes);
            bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
            bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
            return new Guid(bytes);
        }

        var users = new List<Guid>();
        var deleted = new HashSet<Guid>();
        for (var i = 0; i < userEvents; i++)
        {
            var roll = random.Next(100);
            if (users.Count == 0 || roll < 60)
            {
                var id = NewId();
                users.Add(id);
                var dob = new DateOnly(1970, 1, 1).AddDays(random.Next(0, 45 * 365));
                scenario.UserEvents.Add(new(true, id.ToString(), GoJson.UserCreate(id, Names[random.Next(Names.Length)], dob, Next())));
            }
            else if (roll < 90)
            {
                var id = users[random.Next(users.Count)];
                scenario.UserEvents.Add(new(true, id.ToString(), GoJson.UserUpdate(id, Names[random.Next(Names.Length)] + " " + i, Next())));
            }
            else
            {
                var id = users[random.Next(users.Count)];
                deleted.Add(id);
                scenario.UserEvents.Add(new(true, id.ToString(), GoJson.UserDelete(id, Next())));
            }
        }

        var owners = users.Where(user => !deleted.Contains(user)).ToList();
        if (owners.Count == 0)
        {
            var id = NewId();
            owners.Add(id);
            scenario.UserEvents.Add(new(true, id.ToString(), GoJson.UserCreate(id, "Owner", new DateOnly(1980, 1, 1), Next())));
        }

        var orders = new List<Guid>();
        for (var i = 0; i < orderEvents; i++)
        {
            var roll = random.Next(100);
            if (orders.Count == 0 || roll < 60)
            {
                var id = NewId();
                orders.Add(id);
                var quantity = random.Next(1, 101);
                var total = (random.NextDouble() * 50 + 1) * quantity;
                scenario.OrderEvents.Add(new(false, id.ToString(), GoJson.OrderCreate(id, owners[random.Next(owners.Count)], quantity, total, Next())));
            }
            else if (roll < 90)
            {
                var id = orders[random.Next(orders.Count)];
                scenario.OrderEvents.Add(new(false, id.ToString(), GoJson.OrderUpdate(id, Next())));
            }
            else
            {
                var id = orders[random.Next(orders.Count)];
                scenario.OrderEvents.Add(new(false, id.ToString(), GoJson.OrderDelete(id, Next())));
            }
        }

        return scenario;
    }
}
