using CdcPipeline.ServiceDefaults.Cassandra;

namespace CdcPipeline.AppHost.Local.Cassandra;

internal enum CqlColumnKind
{
    PartitionKey,
    Clustering,
    Regular,
}

/// <summary>A column; <see cref="Frozen"/> only matters for the type name (the wire type of a frozen collection is the same).</summary>
internal sealed record CqlColumnDefinition(string Name, CqlType Type, CqlColumnKind Kind, bool Frozen = false)
{
    /// <summary>The CQL type as <c>system_schema.columns.type</c> and DESCRIBE write it (<c>text</c>, <c>frozen&lt;map&lt;text, text&gt;&gt;</c>).</summary>
    public string TypeName => Frozen ? $"frozen<{Type}>" : Type.ToString();
}

/// <summary>A column of a CREATE TABLE, before the primary key sorts it into its kind.</summary>
internal sealed record CqlColumnDeclaration(string Name, CqlType Type, bool Frozen);

/// <summary>A table's columns and primary key: partition key columns, then clustering columns with their order.</summary>
internal sealed class CqlTableSchema
{
    public CqlTableSchema(string keyspace, string name, IReadOnlyList<CqlColumnDefinition> columns, IReadOnlyList<bool> clusteringDescending, string comment = "")
    {
        Keyspace = keyspace;
        Name = name;
        Comment = comment;
        Columns = columns;
        PartitionKey = [.. columns.Where(c => c.Kind == CqlColumnKind.PartitionKey)];
        Clustering = [.. columns.Where(c => c.Kind == CqlColumnKind.Clustering)];
        Regular = [.. columns.Where(c => c.Kind == CqlColumnKind.Regular)];
        ClusteringDescending = clusteringDescending;
    }

    public string Keyspace { get; }

    public string Name { get; }

    /// <summary>The table's comment; the in-memory server gives one to its system tables only (user tables' options are ignored).</summary>
    public string Comment { get; }

    public Guid Id { get; } = Guid.NewGuid();

    /// <summary>Partition key, clustering, then regular columns (the order of <c>SELECT *</c>).</summary>
    public IReadOnlyList<CqlColumnDefinition> Columns { get; }

    public IReadOnlyList<CqlColumnDefinition> PartitionKey { get; }

    public IReadOnlyList<CqlColumnDefinition> Clustering { get; }

    public IReadOnlyList<CqlColumnDefinition> Regular { get; }

    public IReadOnlyList<bool> ClusteringDescending { get; }

    public CqlColumnDefinition Column(string name) =>
        Columns.FirstOrDefault(c => c.Name == name) ?? throw CqlServerException.Invalid($"Undefined column name {name} in table {Keyspace}.{Name}");

    public CqlColumn ToColumn(CqlColumnDefinition column) => new(Keyspace, Name, column.Name, column.Type);

    public static CqlTableSchema From(string keyspace, CreateTableStatement statement, string comment = "")
    {
        var names = statement.Columns.Select(c => c.Name).ToList();
        if (names.Distinct(StringComparer.Ordinal).Count() != names.Count)
        {
            throw CqlServerException.Invalid($"Duplicate column name in table {statement.Name.Table}");
        }

        if (statement.PartitionKey.Count == 0)
        {
            throw CqlServerException.Invalid($"No PRIMARY KEY specifed for table '{statement.Name.Table}' (exactly one required)");
        }

        foreach (var key in statement.PartitionKey.Concat(statement.Clustering))
        {
            if (!names.Contains(key))
            {
                throw CqlServerException.Invalid($"Unknown definition {key} referenced in PRIMARY KEY");
            }
        }

        foreach (var ordered in statement.Descending.Keys)
        {
            if (!statement.Clustering.Contains(ordered))
            {
                throw CqlServerException.Invalid($"Missing CLUSTERING ORDER for column {ordered}");
            }
        }

        var declared = statement.Columns.ToDictionary(c => c.Name, StringComparer.Ordinal);
        CqlColumnDefinition Define(string name, CqlColumnKind kind) => new(name, declared[name].Type, kind, declared[name].Frozen);
        var columns = statement.PartitionKey.Select(k => Define(k, CqlColumnKind.PartitionKey))
            .Concat(statement.Clustering.Select(k => Define(k, CqlColumnKind.Clustering)))
            .Concat(statement.Columns
                .Where(c => !statement.PartitionKey.Contains(c.Name) && !statement.Clustering.Contains(c.Name))
                .OrderBy(c => c.Name, StringComparer.Ordinal)
                .Select(c => Define(c.Name, CqlColumnKind.Regular)))
            .ToList();
        var descending = statement.Clustering.Select(c => statement.Descending.GetValueOrDefault(c)).ToList();
        return new CqlTableSchema(keyspace, statement.Name.Table, columns, descending, comment);
    }
}
