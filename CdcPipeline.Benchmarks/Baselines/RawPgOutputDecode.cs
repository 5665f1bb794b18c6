using System.Diagnostics;
using CdcPipeline.Benchmarks.Measurement;
using Npgsql.Replication;
using Npgsql.Replication.PgOutput;
using Npgsql.Replication.PgOutput.Messages;

namespace CdcPipeline.Benchmarks.Baselines;

/// <summary>
/// The capture's baseline: Npgsql's logical replication reading the same WAL through a slot of its own with the
/// capture's pgoutput options (protocol 2, binary, streaming, messages), copying every column value of every change
/// out of the stream, and nothing else. It stops at the logical message <see cref="EndMarker"/>.
/// </summary>
internal static class RawPgOutputDecode
{
    public const string EndMarker = "benchmark-end";
    private const string Publication = "cdc_pub";

    /// <summary>Decodes and counts; times from the first message to the marker.</summary>
    public static async Task<(Throughput Changes, long Deletes)> CountAsync(string connectionString, string slot, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        long changes = 0, deletes = 0;
        Stopwatch? clock = null;
        await foreach (var message in StreamAsync(connectionString, slot, cancellationToken))
        {
            clock ??= Stopwatch.StartNew();
            switch (message)
            {
                case InsertMessage insert:
                    await DrainAsync(insert.NewRow, buffer, cancellationToken);
                    changes++;
                    break;
                case FullUpdateMessage update:
                    await DrainAsync(update.OldRow, buffer, cancellationToken);
                    await DrainAsync(update.NewRow, buffer, cancellationToken);
                    changes++;
                    break;
                case UpdateMessage update:
                    await DrainAsync(update.NewRow, buffer, cancellationToken);
                    changes++;
                    break;
                case FullDeleteMessage delete:
                    await DrainAsync(delete.OldRow, buffer, cancellationToken);
                    changes++;
                    deletes++;
                    break;
                case LogicalDecodingMessage { Prefix: EndMarker }:
                    return (new Throughput(changes, clock.Elapsed), deletes);
            }
        }

        throw new InvalidOperationException("The replication stream ended before the end marker.");
    }

    /// <summary>Every change's new row, typed (not timed: the CQL client baseline's input).</summary>
    public static async Task<IReadOnlyList<ChangeRow>> RowsAsync(string connectionString, string slot, CancellationToken cancellationToken)
    {
        var rows = new List<ChangeRow>();
        var relations = new Dictionary<uint, string>();
        await foreach (var message in StreamAsync(connectionString, slot, cancellationToken))
        {
            switch (message)
            {
                case RelationMessage relation:
                    relations[relation.RelationId] = relation.RelationName;
                    break;
                case InsertMessage insert:
                    rows.Add(new ChangeRow(relations[insert.Relation.RelationId], (ulong)insert.WalStart, await ReadAsync(insert.NewRow, cancellationToken)));
                    break;
                case UpdateMessage update:
                    rows.Add(new ChangeRow(relations[update.Relation.RelationId], (ulong)update.WalStart, await ReadAsync(update.NewRow, cancellationToken)));
                    break;
                case LogicalDecodingMessage { Prefix: EndMarker }:
                    return rows;
            }
        }

        throw new InvalidOperationException("The replication stream ended before the end marker.");
    }

    private static async IAsyncEnumerable<PgOutputReplicationMessage> StreamAsync(
        string connectionString, string slot, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = new LogicalReplicationConnection(connectionString);
        await connection.Open(cancellationToken);
        var options = new PgOutputReplicationOptions(Publication, PgOutputProtocolVersion.V2, binary: true, streamingMode: PgOutputStreamingMode.On, messages: true);
        await foreach (var message in connection.StartReplication(new PgOutputReplicationSlot(slot), options, cancellationToken))
        {
            yield return message;
        }
    }

    private static async ValueTask DrainAsync(ReplicationTuple tuple, byte[] buffer, CancellationToken cancellationToken)
    {
        await foreach (var value in tuple.WithCancellation(cancellationToken))
        {
            if (value.Kind == TupleDataKind.BinaryValue)
            {
                await value.GetStream().ReadExactlyAsync(buffer.AsMemory(0, value.Length), cancellationToken);
            }
        }
    }

    private static async ValueTask<object?[]> ReadAsync(ReplicationTuple tuple, CancellationToken cancellationToken)
    {
        var values = new object?[tuple.NumColumns];
        var column = 0;
        await foreach (var value in tuple.WithCancellation(cancellationToken))
        {
            values[column++] = value.IsDBNull ? null : await value.Get<object>(cancellationToken);
        }

        return values;
    }
}
