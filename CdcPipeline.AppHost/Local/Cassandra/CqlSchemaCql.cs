using System.Text;

namespace CdcPipeline.AppHost.Local.Cassandra;

/// <summary>The CREATE statements DESCRIBE returns, laid out as Cassandra 4.1 lays them out.</summary>
internal static class CqlSchemaCql
{
    public static string Keyspace(CqlKeyspace keyspace)
    {
        var name = CqlNames.Quote(keyspace.Name);
        return keyspace.Kind == CqlKeyspaceKind.Virtual
            ? $"/*\nWarning: Keyspace {name} is a virtual keyspace and cannot be recreated with CQL.\nStructure, for reference:\nVIRTUAL KEYSPACE {name};\n*/"
            : $"CREATE KEYSPACE {name} WITH replication = {keyspace.Replication.ToCql()}  AND durable_writes = {(keyspace.DurableWrites ? "true" : "false")};";
    }

    public static string Table(CqlTableSchema table, bool isVirtual)
    {
        var name = CqlNames.Qualified(table.Keyspace, table.Name);
        var cql = new StringBuilder();
        if (isVirtual)
        {
            cql.Append($"/*\nWarning: Table {name} is a virtual table and cannot be recreated with CQL.\nStructure, for reference:\n");
        }

        cql.Append($"{(isVirtual ? "VIRTUAL" : "CREATE")} TABLE {name} (\n");
        var singleColumnKey = table.PartitionKey.Count == 1 && table.Clustering.Count == 0;
        for (var i = 0; i < table.Columns.Count; i++)
        {
            var column = table.Columns[i];
            var primaryKey = singleColumnKey && column.Kind == CqlColumnKind.PartitionKey ? " PRIMARY KEY" : string.Empty;
            var separator = !singleColumnKey || i < table.Columns.Count - 1 ? "," : string.Empty;
            cql.Append($"    {CqlNames.Quote(column.Name)} {column.TypeName}{primaryKey}{separator}\n");
        }

        if (!singleColumnKey)
        {
            var partitionKey = string.Join(", ", table.PartitionKey.Select(c => CqlNames.Quote(c.Name)));
            var key = table.PartitionKey.Count > 1 ? $"({partitionKey})" : partitionKey;
            cql.Append($"    PRIMARY KEY ({string.Join(", ", table.Clustering.Select(c => CqlNames.Quote(c.Name)).Prepend(key))})\n");
        }

        var options = new List<string>();
        if (table.Clustering.Count > 0)
        {
            options.Add("CLUSTERING ORDER BY (" + string.Join(", ", table.Clustering.Select((c, i) =>
                $"{CqlNames.Quote(c.Name)} {(table.ClusteringDescending[i] ? "DESC" : "ASC")}")) + ")");
        }

        options.AddRange(isVirtual
            ? [$"comment = {CqlNames.Literal(table.Comment)}"]
            : CqlTableParams.Of(table).Select(o => $"{o.Name} = {CqlTableParams.ToCql(o.Value)}"));
        cql.Append(") WITH ").AppendJoin("\n    AND ", options).Append(';');
        if (isVirtual)
        {
            cql.Append("\n*/");
        }

        return cql.ToString();
    }
}
