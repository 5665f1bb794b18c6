using CdcPipeline.ServiceDefaults.Cassandra.Codecs;

namespace CdcPipeline.ServiceDefaults.Cassandra;

/// <summary>One row of a result; values are decoded (text → string, bigint → long, timestamp → DateTimeOffset, ...).</summary>
public sealed class CqlRow
{
    private readonly IReadOnlyList<CqlColumn> _columns;
    private readonly object?[] _values;

    internal CqlRow(IReadOnlyList<CqlColumn> columns, object?[] values)
    {
        _columns = columns;
        _values = values;
    }

    public IReadOnlyList<CqlColumn> Columns => _columns;

    public object? this[int index] => _values[index];

    public object? this[string column] => _values[IndexOf(column)];

    public T Get<T>(string column) => CqlCodec.ConvertTo<T>(_values[IndexOf(column)], column);

    public T Get<T>(int index) => CqlCodec.ConvertTo<T>(_values[index], _columns[index].Name);

    public bool IsNull(string column) => _values[IndexOf(column)] is null;

    private int IndexOf(string column)
    {
        for (var i = 0; i < _columns.Count; i++)
        {
            if (string.Equals(_columns[i].Name, column, StringComparison.Ordinal))
            {
                return i;
            }
        }

        for (var i = 0; i < _columns.Count; i++)
        {
            if (string.Equals(_columns[i].Name, column, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        throw new ArgumentException(
            $"The result has no column '{column}'; its columns are: {string.Join(", ", _columns.Select(c => c.Name))}.", nameof(column));
    }
}
