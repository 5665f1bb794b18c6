namespace CdcPipeline.Capture.Records;

/// <summary>What a tuple carries for a column, as pgoutput marks it.</summary>
internal enum ColumnValueKind : byte
{
    Null = (byte)'n',
    UnchangedToast = (byte)'u',
    Value = (byte)'b',
}
