using System.Diagnostics;
using System.Text;
using CdcPipeline.Capture.Records;
using CdcPipeline.Capture.Schema;
using CdcPipeline.Capture.Schema.Types;
using CdcPipeline.Capture.Telemetry;

namespace CdcPipeline.Capture.Publishing;

/// <summary>
/// The trace a row was written in: its <c>trace_parent</c> column holds the W3C traceparent of the event that wrote
/// it (the Consumer stores it), so the change's span continues that trace — Producer → Consumer → PostgreSQL →
/// capture → sink. Absent, malformed, or nobody listening: no parent.
/// </summary>
internal static class TraceParents
{
    /// <summary>A version-00 traceparent: <c>00-{32 hex}-{16 hex}-{2 hex}</c>.</summary>
    private const int Length = 55;

    public static ActivityContext Read(TableSchema schema, RowImage? row)
    {
        var column = schema.TraceParentColumn;
        if (row is null || column < 0 || column >= row.Count || row.Kind(column) != ColumnValueKind.Value
            || schema.Columns[column].Type is not TextType || !CaptureTelemetry.ActivitySource.HasListeners())
        {
            return default;
        }

        // Only values of a traceparent's length are parsed: no string is made of anything else.
        var text = row.Value(column);
        if (text.Length != Length || text[2] != (byte)'-')
        {
            return default;
        }

        return ActivityContext.TryParse(Encoding.ASCII.GetString(text), null, isRemote: true, out var context) ? context : default;
    }
}
