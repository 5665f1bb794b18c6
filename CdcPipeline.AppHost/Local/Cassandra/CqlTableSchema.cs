using CdcPipeline.ServiceDefaults.Cassandra;

namespace CdcPipeline.AppHost.Local.Cassandra;

internal enum CqlColumnKind
{
    PartitionKey,
    Clustering,
    Regular,
}

internal sealed record CqlColumnDefinition(string Name, CqlType Type, CqlColumnKind Kind);

/// <summary>A table's columns and primary key: partition key columns, then clustering columns with their order.</summary>
internal sealed class CqlTableSchema
{
    public CqlTableSchema(string keyspace, string name, IReadOnlyList<CqlColumnDefinition> columns, IReadOnlyList<bool> clusteringDescending)
    {
        Keyspace = keyspace;
        Name = name;
        Columns = columns;
        PartitionKey = [.. columns.Where(c => c.Kind == CqlColumnKind.PartitionKey)];
        Clustering = [.. columns.Where(c => c.Kind == CqlColumnKind.Clustering)];
        Regular = [.. columns.Where(c => c.Kind == CqlColumnKind.Regular)];
        ClusteringDescending = clusteringDescending;
    }

    public string Keyspace { get; }

    public string Name { get; }

    /// <summary>Partition key, clustering, then regular columns (the order of <c>SELECT *</c>).</summary>
    public IReadOnlyList<CqlColumnDefinition> Columns { get; }

    public IReadOnlyList<CqlColumnDefinition> PartitionKey { get; }

    public IReadOnlyList<CqlColumnDefinition> Clustering { get; }

    public IReadOnlyList<CqlColumnDefinition> Regular { get; }

    public IReadOnlyList<bool> ClusteringDescending { get; }

    public CqlColumnDefinition Column(string name) =>
        Columns.FirstOrDefault(c => c.Name == name) ?? throw CqlServerException.Invalid($"Undefined column name {name} in table {Keyspace}.{Name}");

    public CqlColumn ToColumn(CqlColumnDefinition column) => new(Keyspace, Name, column.Name, column.Type);

    public static CqlTableSchema From(string keyspace, CreateTableStatement statement)
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

        var typeOf = statement.Columns.ToDictionary(c => c.Name, c => c.Type, StringComparer.Ordinal);
        var columns = statement.PartitionKey.Select(k => new CqlColumnDefinition(k, typeOf[k], CqlColumnKind.PartitionKey))
            .Concat(statement.Clustering.Select(k => new CqlColumnDefinition(k, typeOf[k], CqlColumnKind.Clustering)))
            .Concat(statement.Columns
                .Where(c => !statement.PartitionKey.Contains(c.Name) && !statement.Clustering.Contains(c.Name))
                .OrderBy(c => c.Name, StringComparer.Ordinal)
                .Select(c => new CqlColumnDefinition(c.Name, c.Type, CqlColumnKind.Regular)))
            .ToList();
        var descending = statement.Clustering.Select(c => statement.Descending.GetValueOrDefault(c)).ToList();
        return new CqlTableSchema(keyspace, statement.Name.Table, columns, descending);
    }
}
