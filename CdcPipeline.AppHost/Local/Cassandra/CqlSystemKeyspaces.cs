using System.Text;

namespace CdcPipeline.AppHost.Local.Cassandra;

/// <summary>
/// The system keyspaces of the in-memory server, with Cassandra 4.1's table definitions: <c>system</c> (the node),
/// <c>system_schema</c> and <c>system_virtual_schema</c> (the schema, which drivers and cqlsh read to build their metadata).
/// </summary>
internal static class CqlSystemKeyspaces
{
    public const string System = "system";
    public const string Schema = "system_schema";
    public const string VirtualSchema = "system_virtual_schema";

    private static readonly (string Keyspace, string Comment, string Cql)[] Definitions =
    [
        (System, "information about the local node", """
            CREATE TABLE local (key text PRIMARY KEY, bootstrapped text, broadcast_address inet, broadcast_port int, cluster_name text,
                cql_version text, data_center text, host_id uuid, listen_address inet, listen_port int, native_protocol_version text,
                partitioner text, rack text, release_version text, rpc_address inet, rpc_port int, schema_version uuid, tokens set<text>)
            """),
        (System, "information about known peers in the cluster", """
            CREATE TABLE peers (peer inet PRIMARY KEY, data_center text, host_id uuid, preferred_ip inet, rack text, release_version text,
                rpc_address inet, schema_version uuid, tokens set<text>)
            """),
        (System, "information about known peers in the cluster", """
            CREATE TABLE peers_v2 (peer inet, peer_port int, data_center text, host_id uuid, native_address inet, native_port int,
                preferred_ip inet, preferred_port int, rack text, release_version text, schema_version uuid, tokens set<text>,
                PRIMARY KEY ((peer), peer_port))
            """),
        (Schema, "keyspace definitions", """
            CREATE TABLE keyspaces (keyspace_name text PRIMARY KEY, durable_writes boolean, replication frozen<map<text, text>>)
            """),
        (Schema, "table definitions", """
            CREATE TABLE tables (keyspace_name text, table_name text, additional_write_policy text, bloom_filter_fp_chance double,
                caching frozen<map<text, text>>, cdc boolean, comment text, compaction frozen<map<text, text>>,
                compression frozen<map<text, text>>, crc_check_chance double, dclocal_read_repair_chance double,
                default_time_to_live int, extensions frozen<map<text, blob>>, flags frozen<set<text>>, gc_grace_seconds int, id uuid,
                max_index_interval int, memtable text, memtable_flush_period_in_ms int, min_index_interval int, read_repair text,
                read_repair_chance double, speculative_retry text, PRIMARY KEY ((keyspace_name), table_name))
            """),
        (Schema, "column definitions", """
            CREATE TABLE columns (keyspace_name text, table_name text, column_name text, clustering_order text, column_name_bytes blob,
                kind text, position int, type text, PRIMARY KEY ((keyspace_name), table_name, column_name))
            """),
        (Schema, "dropped column registry", """
            CREATE TABLE dropped_columns (keyspace_name text, table_name text, column_name text, dropped_time timestamp, kind text,
                type text, PRIMARY KEY ((keyspace_name), table_name, column_name))
            """),
        (Schema, "trigger definitions", """
            CREATE TABLE triggers (keyspace_name text, table_name text, trigger_name text, options frozen<map<text, text>>,
                PRIMARY KEY ((keyspace_name), table_name, trigger_name))
            """),
        (Schema, "view definitions", """
            CREATE TABLE views (keyspace_name text, view_name text, additional_write_policy text, base_table_id uuid,
                base_table_name text, bloom_filter_fp_chance double, caching frozen<map<text, text>>, cdc boolean, comment text,
                compaction frozen<map<text, text>>, compression frozen<map<text, text>>, crc_check_chance double,
                dclocal_read_repair_chance double, default_time_to_live int, extensions frozen<map<text, blob>>,
                gc_grace_seconds int, id uuid, include_all_columns boolean, max_index_interval int, memtable text,
                memtable_flush_period_in_ms int, min_index_interval int, read_repair text, read_repair_chance double,
                speculative_retry text, where_clause text, PRIMARY KEY ((keyspace_name), view_name))
            """),
        (Schema, "user defined type definitions", """
            CREATE TABLE types (keyspace_name text, type_name text, field_names frozen<list<text>>, field_types frozen<list<text>>,
                PRIMARY KEY ((keyspace_name), type_name))
            """),
        (Schema, "user defined function definitions", """
            CREATE TABLE functions (keyspace_name text, function_name text, argument_types frozen<list<text>>,
                argument_names frozen<list<text>>, body text, called_on_null_input boolean, language text, return_type text,
                PRIMARY KEY ((keyspace_name), function_name, argument_types))
            """),
        (Schema, "user defined aggregate definitions", """
            CREATE TABLE aggregates (keyspace_name text, aggregate_name text, argument_types frozen<list<text>>, final_func text,
                initcond text, return_type text, state_func text, state_type text,
                PRIMARY KEY ((keyspace_name), aggregate_name, argument_types))
            """),
        (Schema, "secondary index definitions", """
            CREATE TABLE indexes (keyspace_name text, table_name text, index_name text, kind text, options frozen<map<text, text>>,
                PRIMARY KEY ((keyspace_name), table_name, index_name))
            """),
        (VirtualSchema, "virtual keyspace definitions", """
            CREATE TABLE keyspaces (keyspace_name text PRIMARY KEY)
            """),
        (VirtualSchema, "virtual table definitions", """
            CREATE TABLE tables (keyspace_name text, table_name text, comment text, PRIMARY KEY ((keyspace_name), table_name))
            """),
        (VirtualSchema, "virtual column definitions", """
            CREATE TABLE columns (keyspace_name text, table_name text, column_name text, clustering_order text, column_name_bytes blob,
                kind text, position int, type text, PRIMARY KEY ((keyspace_name), table_name, column_name))
            """),
    ];

    public static IEnumerable<CqlKeyspace> Create()
    {
        var keyspaces = new Dictionary<string, CqlKeyspace>(StringComparer.Ordinal)
        {
            [System] = new(System, CqlKeyspaceKind.System, CqlReplication.Local),
            [Schema] = new(Schema, CqlKeyspaceKind.Schema, CqlReplication.Local),
            [VirtualSchema] = new(VirtualSchema, CqlKeyspaceKind.Virtual, CqlReplication.Local),
        };
        foreach (var (keyspace, comment, cql) in Definitions)
        {
            var schema = CqlTableSchema.From(keyspace, CqlParser.ParseSystemTable(cql), comment);
            keyspaces[keyspace].Tables[schema.Name] = new CqlTableData(schema);
        }

        return keyspaces.Values;
    }

    /// <summary>Rewrites the rows of <c>system_schema</c> and <c>system_virtual_schema</c> from the keyspaces as they are now.</summary>
    public static void Refresh(CqlStore store, long timestamp)
    {
        var schema = store.FindKeyspace(Schema)!;
        var virtualSchema = store.FindKeyspace(VirtualSchema)!;
        foreach (var table in schema.Tables.Values.Concat(virtualSchema.Tables.Values))
        {
            table.Truncate();
        }

        foreach (var keyspace in store.Keyspaces)
        {
            var isVirtual = keyspace.Kind == CqlKeyspaceKind.Virtual;
            var target = isVirtual ? virtualSchema : schema;
            var keyspaceRow = new Dictionary<string, object?>(StringComparer.Ordinal) { ["keyspace_name"] = keyspace.Name };
            if (!isVirtual)
            {
                keyspaceRow["durable_writes"] = keyspace.DurableWrites;
                keyspaceRow["replication"] = keyspace.Replication.ToSchemaMap();
            }

            target.Tables["keyspaces"].Insert(keyspaceRow, timestamp);
            foreach (var table in keyspace.Tables.Values.Select(t => t.Schema))
            {
                target.Tables["tables"].Insert(isVirtual ? VirtualTableRow(table) : TableRow(table), timestamp);
                foreach (var row in ColumnRows(table))
                {
                    target.Tables["columns"].Insert(row, timestamp);
                }
            }
        }
    }

    private static Dictionary<string, object?> TableRow(CqlTableSchema table)
    {
        var row = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["keyspace_name"] = table.Keyspace,
            ["table_name"] = table.Name,
            ["id"] = table.Id,
            ["flags"] = new[] { "compound" },
            ["dclocal_read_repair_chance"] = 0.0,
            ["read_repair_chance"] = 0.0,
        };
        foreach (var (name, value) in CqlTableParams.Of(table))
        {
            row[name] = value;
        }

        return row;
    }

    private static Dictionary<string, object?> VirtualTableRow(CqlTableSchema table) => new(StringComparer.Ordinal)
    {
        ["keyspace_name"] = table.Keyspace,
        ["table_name"] = table.Name,
        ["comment"] = table.Comment,
    };

    private static IEnumerable<Dictionary<string, object?>> ColumnRows(CqlTableSchema table) =>
        table.Columns.Select(column => new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["keyspace_name"] = table.Keyspace,
            ["table_name"] = table.Name,
            ["column_name"] = column.Name,
            ["clustering_order"] = column.Kind != CqlColumnKind.Clustering ? "none"
                : table.ClusteringDescending[table.Clustering.ToList().IndexOf(column)] ? "desc" : "asc",
            ["column_name_bytes"] = Encoding.UTF8.GetBytes(column.Name),
            ["kind"] = column.Kind switch
            {
                CqlColumnKind.PartitionKey => "partition_key",
                CqlColumnKind.Clustering => "clustering",
                _ => "regular",
            },
            ["position"] = column.Kind switch
            {
                CqlColumnKind.PartitionKey => table.PartitionKey.ToList().IndexOf(column),
                CqlColumnKind.Clustering => table.Clustering.ToList().IndexOf(column),
                _ => -1,
            },
            ["type"] = column.TypeName,
        });
}
