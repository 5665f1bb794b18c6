using Npgsql;
using NpgsqlTypes;

namespace CdcPipeline.Capture.Postgres;

/// <summary>Looks at and drops the capture's replication slot, and checks what logical decoding needs.</summary>
internal sealed class ReplicationSlots(PostgresConnections connections)
{
    private const string SlotSql = """
        SELECT plugin, database, active_pid, confirmed_flush_lsn
          FROM pg_replication_slots
         WHERE slot_name = $1 AND slot_type = 'logical'
        """;

    private const string DropSql = "SELECT pg_drop_replication_slot($1)";

    private const string PublicationSql = "SELECT count(*) FROM pg_publication WHERE pubname = $1";

    private const string WalLevelSql = "SELECT current_setting('wal_level')";

    public async Task<SlotState?> FindAsync(string slotName, CancellationToken cancellationToken)
    {
        await using var command = connections.DataSource.CreateCommand(SlotSql);
        command.Parameters.Add(new NpgsqlParameter { Value = slotName });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return new SlotState(
            reader.GetString(0),
            reader.IsDBNull(1) ? null : reader.GetString(1),
            reader.IsDBNull(2) ? null : reader.GetInt32(2),
            reader.IsDBNull(3) ? null : (ulong)reader.GetFieldValue<NpgsqlLogSequenceNumber>(3));
    }

    public async Task DropAsync(string slotName, CancellationToken cancellationToken)
    {
        await using var command = connections.DataSource.CreateCommand(DropSql);
        command.Parameters.Add(new NpgsqlParameter { Value = slotName });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Throws, naming the setting, when logical decoding cannot work: wal_level, the publication.</summary>
    public async Task CheckPrerequisitesAsync(string publication, CancellationToken cancellationToken)
    {
        await using (var walLevel = connections.DataSource.CreateCommand(WalLevelSql))
        {
            if (await walLevel.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not "logical" and var level)
            {
                throw new CaptureSetupException(
                    $"PostgreSQL runs with wal_level={level}; change data capture needs wal_level=logical (postgresql.conf, then a restart).");
            }
        }

        await using var command = connections.DataSource.CreateCommand(PublicationSql);
        command.Parameters.Add(new NpgsqlParameter { Value = publication });
        if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not (long and > 0))
        {
            throw new CaptureSetupException(
                $"Publication '{publication}' (Capture:PublicationName) does not exist in database {connections.Database}; create it " +
                "(CREATE PUBLICATION … FOR TABLE …): the capture does not create publications.");
        }
    }
}
