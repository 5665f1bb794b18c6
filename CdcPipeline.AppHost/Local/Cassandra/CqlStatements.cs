using CdcPipeline.ServiceDefaults.Cassandra;

namespace CdcPipeline.AppHost.Local.Cassandra;

/// <summary>A value in a statement: a literal or a <c>?</c> marker (numbered in textual order).</summary>
internal abstract record CqlTerm;

internal sealed record CqlLiteralTerm(CqlToken Token) : CqlTerm;

internal sealed record CqlNullTerm : CqlTerm;

internal sealed record CqlBindTerm(int Index) : CqlTerm;

internal sealed record CqlTableName(string? Keyspace, string Table);

internal sealed record CqlCondition(string Column, CqlTerm Value);

internal abstract record CqlParsedStatement(int BindCount);

/// <summary>CREATE KEYSPACE; <see cref="Replication"/> holds the map as written (values as text), null when the statement has none.</summary>
internal sealed record CreateKeyspaceStatement(string Name, bool IfNotExists, IReadOnlyDictionary<string, string>? Replication, bool DurableWrites)
    : CqlParsedStatement(0);

internal sealed record UseStatement(string Keyspace) : CqlParsedStatement(0);

internal sealed record CreateTableStatement(
    CqlTableName Name,
    bool IfNotExists,
    IReadOnlyList<CqlColumnDeclaration> Columns,
    IReadOnlyList<string> PartitionKey,
    IReadOnlyList<string> Clustering,
    IReadOnlyDictionary<string, bool> Descending) : CqlParsedStatement(0);

internal sealed record DropStatement(string Kind, CqlTableName Name, bool IfExists) : CqlParsedStatement(0);

internal sealed record TruncateStatement(CqlTableName Name) : CqlParsedStatement(0);

internal abstract record CqlModificationStatement(CqlTableName Name, CqlTerm? Timestamp, int BindCount) : CqlParsedStatement(BindCount);

internal sealed record InsertStatement(CqlTableName Name, IReadOnlyList<string> Columns, IReadOnlyList<CqlTerm> Values, CqlTerm? Timestamp, int BindCount)
    : CqlModificationStatement(Name, Timestamp, BindCount);

internal sealed record UpdateStatement(CqlTableName Name, IReadOnlyList<CqlCondition> Assignments, IReadOnlyList<CqlCondition> Where, CqlTerm? Timestamp, int BindCount)
    : CqlModificationStatement(Name, Timestamp, BindCount);

internal sealed record DeleteStatement(CqlTableName Name, IReadOnlyList<string> Columns, IReadOnlyList<CqlCondition> Where, CqlTerm? Timestamp, int BindCount)
    : CqlModificationStatement(Name, Timestamp, BindCount);

/// <summary>A selected column, or the write timestamp of one (<c>WRITETIME(col)</c>), optionally renamed with AS.</summary>
internal sealed record CqlSelector(string Column, bool WriteTime, string? Alias)
{
    public string OutputName => Alias ?? (WriteTime ? $"writetime({Column})" : Column);
}

/// <summary>SELECT; <see cref="Selectors"/> is null for <c>*</c>.</summary>
internal sealed record SelectStatement(
    CqlTableName Name,
    IReadOnlyList<CqlSelector>? Selectors,
    bool Count,
    IReadOnlyList<CqlCondition> Where,
    (string Column, bool Descending)? OrderBy,
    CqlTerm? Limit,
    bool AllowFiltering,
    int BindCount) : CqlParsedStatement(BindCount);

internal sealed record BatchTextStatement(CqlBatchType Type, CqlTerm? Timestamp, IReadOnlyList<CqlModificationStatement> Statements, int BindCount)
    : CqlParsedStatement(BindCount);

internal enum CqlDescribeKind
{
    Cluster,
    Schema,
    FullSchema,
    Keyspaces,
    Keyspace,
    OnlyKeyspace,
    Tables,
    Table,
    Types,
    Type,
    Functions,
    Function,
    Aggregates,
    Aggregate,
    Index,
    MaterializedView,
    Generic,
}

/// <summary>A server-side DESCRIBE (Cassandra 4.0+); <see cref="Keyspace"/> is null when the statement names none.</summary>
internal sealed record DescribeStatement(CqlDescribeKind Kind, string? Keyspace, string? Name) : CqlParsedStatement(0);
