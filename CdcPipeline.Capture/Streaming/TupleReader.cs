using CdcPipeline.Capture.Records;
using Npgsql.Replication.PgOutput;

namespace CdcPipeline.Capture.Streaming;

/// <summary>Copies a pgoutput tuple (binary mode) into a <see cref="RowImage"/>: Npgsql reuses the tuple for the next message.</summary>
internal static class TupleReader
{
    public static async ValueTask ReadAsync(ReplicationTuple tuple, RowImage row, CancellationToken cancellationToken)
    {
        row.Reset(tuple.NumColumns);
        var column = 0;
        await foreach (var value in tuple.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            switch (value.Kind)
            {
                case TupleDataKind.Null:
                    row.SetNull(column);
                    break;
                case TupleDataKind.UnchangedToastedValue:
                    row.SetUnchangedToast(column);
                    break;
                case TupleDataKind.BinaryValue:
                    var target = row.Allocate(column, value.Length);
                    await value.GetStream().ReadExactlyAsync(target, cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    throw new InvalidOperationException(
                        $"pgoutput sent column {column} of a tuple as {value.Kind}: the capture starts replication in binary mode and reads binary values only.");
            }

            column++;
        }
    }

    /// <summary>
    /// Fills the unchanged TOASTed columns of a new row from the old row (REPLICA IDENTITY FULL sends the old row in
    /// full), as Debezium does; columns the old row cannot fill keep their placeholder.
    /// </summary>
    public static void FillUnchangedToast(RowImage newRow, RowImage? oldRow)
    {
        if (oldRow is null)
        {
            return;
        }

        for (var i = 0; i < newRow.Count && i < oldRow.Count; i++)
        {
            if (newRow.Kind(i) == ColumnValueKind.UnchangedToast && oldRow.Kind(i) == ColumnValueKind.Value)
            {
                newRow.SetValue(i, oldRow.Value(i));
            }
        }
    }
}
