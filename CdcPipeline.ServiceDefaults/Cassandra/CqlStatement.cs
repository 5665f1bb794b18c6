namespace CdcPipeline.ServiceDefaults.Cassandra;

/// <summary>A statement ready to run: CQL text or a prepared statement, with its bound values.</summary>
public sealed class CqlStatement
{
    private CqlStatement(string query, PreparedStatement? prepared, IReadOnlyList<object?> values)
    {
        Query = query;
        PreparedStatement = prepared;
        Values = values;
    }

    public string Query { get; }

    public PreparedStatement? PreparedStatement { get; }

    public IReadOnlyList<object?> Values { get; }

    /// <summary>CQL text; values (if any) are sent with types inferred from their .NET types.</summary>
    /// <remarks>A null array (C# passes <c>null</c> as the array itself) is one null value.</remarks>
    public static CqlStatement Simple(string cql, params object?[]? values)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(cql);
        return new CqlStatement(cql, null, values ?? [null]);
    }

    /// <remarks>A null array (C# passes <c>null</c> as the array itself) is one null value for a statement with one marker, else no values.</remarks>
    public static CqlStatement Prepared(PreparedStatement statement, params object?[]? values)
    {
        ArgumentNullException.ThrowIfNull(statement);
        values ??= statement.Variables.Count == 1 ? [null] : [];
        if (values.Length != statement.Variables.Count)
        {
            throw new ArgumentException(
                $"The statement '{statement.Query}' has {statement.Variables.Count} bind markers but {values.Length} values were given.", nameof(values));
        }

        return new CqlStatement(statement.Query, statement, values);
    }
}
