using CdcPipeline.ServiceDefaults.Cassandra;
using CdcPipeline.Tests.CassandraSink;

namespace CdcPipeline.Tests.Pipeline;

/// <summary>The sink's three tables read through CQL, as a person with cqlsh would read them.</summary>
internal sealed class CassandraTables(string connectionString)
{
    private const string Keyspace = "cdc_keyspace";

    /// <summary>Polls until the tables hold <paramref name="expected"/> or the deadline passes; returns what they held last.</summary>
    public async Task<CassandraState?> WaitForAsync(CassandraState expected, TimeSpan deadline, CancellationToken cancellationToken)
    {
        var settings = new CassandraClientSettings { ConnectionString = connectionString };
        settings.ApplyConnectionString();
        await using var session = new CqlSession(settings);
        var until = DateTime.UtcNow + deadline;
        CassandraState? last = null;
        while (DateTime.UtcNow < until)
        {
            try
            {
                last = await ReadAsync(session, cancellationToken);
                if (last.Equals(expected))
                {
                    return last;
                }
            }
            catch (CqlException)
            {
                // The sink has not created its keyspace yet.
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        }

        return last;
    }

    /// <summary>Per table: row counts and the first rows that differ, for a failure message a person can act on.</summary>
    public static string Difference(CassandraState expected, CassandraState? actual)
    {
        if (actual is null)
        {
            return "Cassandra's tables could not be read (no keyspace?).";
        }

        return string.Join('\n',
            Table("users", expected.Users, actual.Users),
            Table("orders", expected.Orders, actual.Orders),
            Table("orders_by_user", expected.OrdersByUser, actual.OrdersByUser));
    }

    private static string Table<T>(string name, IReadOnlyList<T> expected, IReadOnlyList<T> actual)
    {
        var missing = expected.Except(actual).Take(3).ToList();
        var unexpected = actual.Except(expected).Take(3).ToList();
        return $"{name}: expected {expected.Count} rows, found {actual.Count}"
            + (missing.Count > 0 ? $"; missing e.g. {string.Join("; ", missing)}" : string.Empty)
            + (unexpected.Count > 0 ? $"; not expected e.g. {string.Join("; ", unexpected)}" : string.Empty);
    }

    private static async Task<CassandraState> ReadAsync(CqlSession session, CancellationToken cancellationToken)
    {
        var users = (await RowsAsync(session, "users", cancellationToken)).Select(r => new UserState(
            r.Get<Guid>("id"), r.Get<string>("name"), r.Get<DateOnly>("dob"),
            r.Get<DateTimeOffset?>("created_at"), r.Get<DateTimeOffset?>("modified_at"), r.Get<bool>("is_deleted")));
        var orders = (await RowsAsync(session, "orders", cancellationToken)).Select(r => new OrderState(
            r.Get<Guid>("id"), r.Get<string>("status"), r.Get<Guid>("user_id"), r.Get<int>("quantity"), r.Get<decimal>("total_amount"),
            r.Get<DateTimeOffset?>("placed_at"), r.Get<DateTimeOffset?>("modified_at"), r.Get<bool>("is_deleted")));
        var listings = (await RowsAsync(session, "orders_by_user", cancellationToken)).Select(r => new ListingRow(
            r.Get<Guid>("user_id"), r.Get<DateTimeOffset>("placed_at"), r.Get<Guid>("order_id"), r.Get<string?>("status"),
            r.Get<int?>("quantity"), r.Get<decimal?>("total_amount"), r.Get<DateTimeOffset?>("modified_at"), r.Get<bool?>("is_deleted")));

        return Canonical(new CassandraState(users.ToList(), orders.ToList(), listings.ToList()));
    }

    /// <summary>
    /// Rows in one order for comparing: listings newest first per user, and orders placed in the same millisecond by
    /// order id (Cassandra's uuid order is not .NET's, and a seeded run places many orders within a millisecond).
    /// </summary>
    public static CassandraState Canonical(CassandraState state) => new(
        state.Users.OrderBy(u => u.Id).ToList(),
        state.Orders.OrderBy(o => o.Id).ToList(),
        state.OrdersByUser.OrderBy(l => l.UserId).ThenByDescending(l => l.PlacedAt).ThenBy(l => l.OrderId).ToList());

    private static async Task<IReadOnlyList<CqlRow>> RowsAsync(CqlSession session, string table, CancellationToken cancellationToken) =>
        await (await session.QueryAsync($"SELECT * FROM {Keyspace}.{table}")).ToListAsync(cancellationToken);
}
