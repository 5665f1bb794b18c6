using Npgsql;

namespace CdcPipeline.Tests.Capture;

/// <summary>
/// Writes users concurrently with the capture and logs, per user, every committed change as (op, version): the
/// version is the unique <c>name</c> each write sets, so every change can be recognised in the published records.
/// Each writer owns its users, so one user's changes commit in the order logged; <c>pause</c> spaces its transactions.
/// </summary>
internal sealed class UserWriter(string connectionString, int writer, int seed, TimeSpan pause = default)
{
    private readonly Random _random = new(seed);
    private readonly List<Guid> _live = [];
    private int _version;

    /// <summary>Per user, the committed changes in commit order.</summary>
    public Dictionary<Guid, List<(string Op, string? Version)>> Log { get; } = [];

    public long Changes { get; private set; }

    /// <summary>Inserts <paramref name="count"/> users in one transaction.</summary>
    public async Task SeedAsync(int count)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var inserted = new List<(Guid, string)>();
        for (var i = 0; i < count; i++)
        {
            inserted.Add(await InsertAsync(connection));
        }

        await transaction.CommitAsync();
        foreach (var (id, version) in inserted)
        {
            Committed(id, "c", version);
        }
    }

    /// <summary>Writes until <paramref name="stop"/>: inserts, updates (one or two in a transaction), deletes.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(CancellationToken.None);
        while (!stop.IsCancellationRequested)
        {
            if (pause > TimeSpan.Zero)
            {
                // A steady load rather than a flood: the mock cluster keeps only ~5 MiB per partition.
                await Task.Delay(pause, CancellationToken.None);
            }

            var roll = _random.Next(100);
            if (_live.Count < 5 || roll < 30)
            {
                var (id, version) = await InsertAsync(connection);
                Committed(id, "c", version);
            }
            else if (roll < 90)
            {
                var id = _live[_random.Next(_live.Count)];
                if (roll < 75)
                {
                    Committed(id, "u", await UpdateAsync(connection, id));
                }
                else
                {
                    await using var transaction = await connection.BeginTransactionAsync(CancellationToken.None);
                    var first = await UpdateAsync(connection, id);
                    var second = await UpdateAsync(connection, id);
                    await transaction.CommitAsync(CancellationToken.None);
                    Committed(id, "u", first);
                    Committed(id, "u", second);
                }
            }
            else
            {
                var id = _live[_random.Next(_live.Count)];
                await using var delete = new NpgsqlCommand($"DELETE FROM users WHERE id = '{id}'", connection);
                await delete.ExecuteNonQueryAsync(CancellationToken.None);
                _live.Remove(id);
                Committed(id, "d", null);
            }
        }
    }

    private async Task<(Guid, string)> InsertAsync(NpgsqlConnection connection)
    {
        var id = Guid.NewGuid();
        var version = NextVersion();
        await using var insert = new NpgsqlCommand(
            $"INSERT INTO users (id, name, dob, created_at, modified_at) VALUES ('{id}', '{version}', '1990-01-01', now(), now())", connection);
        await insert.ExecuteNonQueryAsync(CancellationToken.None);
        _live.Add(id);
        return (id, version);
    }

    private async Task<string> UpdateAsync(NpgsqlConnection connection, Guid id)
    {
        var version = NextVersion();
        await using var update = new NpgsqlCommand($"UPDATE users SET name = '{version}', modified_at = now() WHERE id = '{id}'", connection);
        await update.ExecuteNonQueryAsync(CancellationToken.None);
        return version;
    }

    private string NextVersion() => $"w{writer}-{++_version}";

    private void Committed(Guid id, string op, string? version)
    {
        if (!Log.TryGetValue(id, out var changes))
        {
            Log[id] = changes = [];
        }

        changes.Add((op, version));
        Changes++;
    }
}
