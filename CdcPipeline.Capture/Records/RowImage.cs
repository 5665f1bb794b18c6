namespace CdcPipeline.Capture.Records;

/// <summary>
/// One row's column values in PostgreSQL's binary format, copied out of the replication stream or the snapshot's
/// COPY (Npgsql reuses its message objects, so nothing may point into them). Reused from row to row.
/// </summary>
internal sealed class RowImage
{
    private byte[] _data = new byte[1024];
    private int _used;
    private Slot[] _slots = new Slot[16];

    public int Count { get; private set; }

    public ColumnValueKind Kind(int column) => _slots[column].Kind;

    public ReadOnlySpan<byte> Value(int column) => _data.AsSpan(_slots[column].Offset, _slots[column].Length);

    public void Reset(int columnCount)
    {
        if (_slots.Length < columnCount)
        {
            _slots = new Slot[Math.Max(columnCount, _slots.Length * 2)];
        }

        Count = columnCount;
        _used = 0;
    }

    public void SetNull(int column) => _slots[column] = new Slot(ColumnValueKind.Null, 0, 0);

    public void SetUnchangedToast(int column) => _slots[column] = new Slot(ColumnValueKind.UnchangedToast, 0, 0);

    /// <summary>Room for a value of <paramref name="length"/> bytes in column <paramref name="column"/>, to be filled by the caller.</summary>
    public Memory<byte> Allocate(int column, int length)
    {
        if (_data.Length - _used < length)
        {
            Array.Resize(ref _data, Math.Max(_data.Length * 2, _used + length));
        }

        _slots[column] = new Slot(ColumnValueKind.Value, _used, length);
        var memory = _data.AsMemory(_used, length);
        _used += length;
        return memory;
    }

    public void SetValue(int column, ReadOnlySpan<byte> value) => value.CopyTo(Allocate(column, value.Length).Span);

    /// <summary>Makes this row a copy of <paramref name="other"/>.</summary>
    public void CopyFrom(RowImage other)
    {
        Reset(other.Count);
        for (var i = 0; i < other.Count; i++)
        {
            switch (other.Kind(i))
            {
                case ColumnValueKind.Value:
                    SetValue(i, other.Value(i));
                    break;
                case ColumnValueKind.Null:
                    SetNull(i);
                    break;
                default:
                    SetUnchangedToast(i);
                    break;
            }
        }
    }

    private readonly record struct Slot(ColumnValueKind Kind, int Offset, int Length);
}
