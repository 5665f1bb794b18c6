using System.Buffers.Binary;
using CdcPipeline.ServiceDefaults.Cassandra;
using CdcPipeline.ServiceDefaults.Cassandra.Codecs;
using CdcPipeline.ServiceDefaults.Cassandra.Protocol;

namespace CdcPipeline.AppHost.Local.Cassandra;

/// <summary>
/// Applies parsed statements to the store with Cassandra's rules and encodes their RESULT bodies;
/// <paramref name="schemaChanged"/> hears of every schema change, to push it to clients as an event.
/// </summary>
internal sealed class CqlStatementExecutor(CqlStore store, Action<CqlSchemaChange> schemaChanged)
{
    private const string FilteringMessage =
        "Cannot execute this query as it might involve data filtering and thus may have unpredictable performance. " +
        "If you want to execute this query despite the performance unpredictability, use ALLOW FILTERING";

    private readonly CqlDescriber _describer = new(store);

    /// <summary>Runs one statement; returns the RESULT body and the keyspace a USE switched to.</summary>
    public (byte[] Body, string? Keyspace) Execute(CqlParsedStatement statement, CqlRequestContext context)
    {
        if (context.Values.Count != statement.BindCount)
        {
            throw CqlServerException.Invalid($"There were {statement.BindCount} markers(?) in CQL but {context.Values.Count} bound variables");
        }

        lock (store.Sync)
        {
            return statement switch
            {
                CreateKeyspaceStatement create => (CreateKeyspace(create), null),
                UseStatement use => Use(use),
                CreateTableStatement create => (CreateTable(create, context), null),
                DropStatement drop => (Drop(drop, context), null),
                TruncateStatement truncate => (Truncate(truncate, context), null),
                CqlModificationStatement modification => (ApplyAll([modification], context, context.DefaultTimestamp ?? store.NextTimestamp()), null),
                BatchTextStatement batch => (ApplyAll(batch.Statements, context, Timestamp(batch.Timestamp, context) ?? context.DefaultTimestamp ?? store.NextTimestamp()), null),
                SelectStatement select => (Select(select, context), null),
                DescribeStatement describe => (_describer.Execute(describe, context), null),
                _ => throw CqlServerException.Invalid($"Unsupported statement {statement.GetType().Name}"),
            };
        }
    }

    /// <summary>Applies BATCH message children (each with its own values) under one default timestamp.</summary>
    public byte[] ExecuteBatch(IReadOnlyList<(CqlParsedStatement Statement, CqlRequestContext Context)> children, long? defaultTimestamp)
    {
        lock (store.Sync)
        {
            var timestamp = defaultTimestamp ?? store.NextTimestamp();
            foreach (var (statement, context) in children)
            {
                if (statement is not CqlModificationStatement modification)
                {
                    throw CqlServerException.Invalid("Invalid statement in batch: only UPDATE, INSERT and DELETE statements are allowed.");
                }

                if (context.Values.Count != statement.BindCount)
                {
                    throw CqlServerException.Invalid($"There were {statement.BindCount} markers(?) in CQL but {context.Values.Count} bound variables");
                }

                Validate(modification, context);
            }

            VerifyBatchSize([.. children.Select(c => ((CqlModificationStatement)c.Statement, c.Context))]);
            foreach (var (statement, context) in children)
            {
                Apply((CqlModificationStatement)statement, context, timestamp);
            }

            return VoidResult();
        }
    }

    /// <summary>Column specs of the bind markers, partition key marker indexes and result columns of a statement.</summary>
    public (IReadOnlyList<CqlColumn> Variables, IReadOnlyList<int> PartitionKeyIndexes, IReadOnlyList<CqlColumn> ResultColumns) Describe(
        CqlParsedStatement statement, string? keyspace)
    {
        lock (store.Sync)
        {
            var variables = new CqlColumn?[statement.BindCount];
            var pkIndexes = new List<int>();
            IReadOnlyList<CqlColumn> resultColumns = [];
            var modifications = statement switch
            {
                CqlModificationStatement single => [single],
                BatchTextStatement batch => batch.Statements,
                _ => [],
            };
            if (statement is BatchTextStatement { Timestamp: CqlBindTerm batchTimestamp })
            {
                variables[batchTimestamp.Index] = new CqlColumn(keyspace ?? string.Empty, string.Empty, "[timestamp]", CqlType.Of(CqlTypeCode.Bigint));
            }

            foreach (var modification in modifications)
            {
                var table = ResolveTable(modification.Name, keyspace).Schema;
                var bound = modification switch
                {
                    InsertStatement insert => insert.Columns.Zip(insert.Values, (c, v) => new CqlCondition(c, v)).ToList(),
                    UpdateStatement update => [.. update.Assignments, .. update.Where],
                    DeleteStatement delete => [.. delete.Where],
                    _ => new List<CqlCondition>(),
                };
                Fill(variables, table, bound);
                if (modification.Timestamp is CqlBindTerm timestamp)
                {
                    variables[timestamp.Index] = new CqlColumn(table.Keyspace, table.Name, "[timestamp]", CqlType.Of(CqlTypeCode.Bigint));
                }

                if (modifications.Count == 1)
                {
                    pkIndexes = PartitionKeyIndexes(table, bound);
                }
            }

            if (statement is SelectStatement select)
            {
                var table = ResolveTable(select.Name, keyspace).Schema;
                Fill(variables, table, select.Where);
                pkIndexes = PartitionKeyIndexes(table, select.Where);
                if (select.Limit is CqlBindTerm limit)
                {
                    variables[limit.Index] = new CqlColumn(table.Keyspace, table.Name, "[limit]", CqlType.Of(CqlTypeCode.Int));
                }

                resultColumns = SelectedColumns(select, table).Columns;
            }

            if (variables.Any(v => v is null))
            {
                throw CqlServerException.Invalid("Bind markers are only supported for column values, USING TIMESTAMP and LIMIT");
            }

            return (variables!, pkIndexes, resultColumns);
        }
    }

    private static void Fill(CqlColumn?[] variables, CqlTableSchema table, IEnumerable<CqlCondition> conditions)
    {
        foreach (var condition in conditions)
        {
            if (condition.Value is CqlBindTerm bind)
            {
                variables[bind.Index] = table.ToColumn(table.Column(condition.Column));
            }
        }
    }

    private static List<int> PartitionKeyIndexes(CqlTableSchema table, IReadOnlyCollection<CqlCondition> bound)
    {
        var indexes = new List<int>();
        foreach (var key in table.PartitionKey)
        {
            if (bound.FirstOrDefault(c => c.Column == key.Name)?.Value is not CqlBindTerm bind)
            {
                return [];
            }

            indexes.Add(bind.Index);
        }

        return indexes;
    }

    private byte[] CreateKeyspace(CreateKeyspaceStatement statement)
    {
        if (store.HasKeyspace(statement.Name))
        {
            return statement.IfNotExists
                ? VoidResult()
                : throw new CqlServerException(CqlErrorCode.AlreadyExists, $"Cannot add existing keyspace \"{statement.Name}\"", w =>
                {
                    w.WriteString(statement.Name);
                    w.WriteString(string.Empty);
                });
        }

        var replication = CqlReplication.FromStatement(statement.Name, statement.Replication, CqlStore.DataCenter);
        store.AddKeyspace(statement.Name, replication, statement.DurableWrites);
        return SchemaChangeResult("CREATED", "KEYSPACE", statement.Name, null);
    }

    private (byte[] Body, string? Keyspace) Use(UseStatement statement)
    {
        if (!store.HasKeyspace(statement.Keyspace))
        {
            throw CqlServerException.Invalid($"Keyspace '{statement.Keyspace}' does not exist");
        }

        var writer = new CqlWriter();
        writer.WriteInt((int)CqlResultKind.SetKeyspace);
        writer.WriteString(statement.Keyspace);
        return (writer.ToArray(), statement.Keyspace);
    }

    private byte[] CreateTable(CreateTableStatement statement, CqlRequestContext context)
    {
        var keyspace = KeyspaceOf(statement.Name, context.Keyspace);
        RejectSystemKeyspace(keyspace, schemaChange: true);
        if (store.FindTable(keyspace, statement.Name.Table) is not null)
        {
            return statement.IfNotExists
                ? VoidResult()
                : throw new CqlServerException(CqlErrorCode.AlreadyExists, $"Cannot add already existing table \"{statement.Name.Table}\" to keyspace \"{keyspace}\"", w =>
                {
                    w.WriteString(keyspace);
                    w.WriteString(statement.Name.Table);
                });
        }

        store.AddTable(CqlTableSchema.From(keyspace, statement));
        return SchemaChangeResult("CREATED", "TABLE", keyspace, statement.Name.Table);
    }

    private byte[] Drop(DropStatement statement, CqlRequestContext context)
    {
        if (statement.Kind == "KEYSPACE")
        {
            var name = statement.Name.Keyspace!;
            if (!store.HasKeyspace(name))
            {
                return statement.IfExists ? VoidResult() : throw CqlServerException.Invalid($"Keyspace '{name}' doesn't exist");
            }

            RejectSystemKeyspace(name, schemaChange: true);
            store.DropKeyspace(name);
            return SchemaChangeResult("DROPPED", "KEYSPACE", name, null);
        }

        var keyspace = KeyspaceOf(statement.Name, context.Keyspace);
        if (store.FindTable(keyspace, statement.Name.Table) is null)
        {
            return statement.IfExists ? VoidResult() : throw CqlServerException.Invalid($"Table '{keyspace}.{statement.Name.Table}' doesn't exist");
        }

        RejectSystemKeyspace(keyspace, schemaChange: true);
        store.DropTable(keyspace, statement.Name.Table);
        return SchemaChangeResult("DROPPED", "TABLE", keyspace, statement.Name.Table);
    }

    private byte[] Truncate(TruncateStatement statement, CqlRequestContext context)
    {
        var table = ResolveTable(statement.Name, context.Keyspace);
        RejectSystemKeyspace(table.Schema.Keyspace, schemaChange: false);
        table.Truncate();
        return VoidResult();
    }

    private byte[] ApplyAll(IReadOnlyList<CqlModificationStatement> statements, CqlRequestContext context, long timestamp)
    {
        foreach (var statement in statements)
        {
            Validate(statement, context);
        }

        VerifyBatchSize([.. statements.Select(s => (s, context))]);
        foreach (var statement in statements)
        {
            Apply(statement, context, timestamp);
        }

        return VoidResult();
    }

    /// <summary>
    /// Cassandra's batch_size_fail_threshold (50 KiB by default): a batch touching more than one partition
    /// whose data exceeds it is rejected; a single-partition batch is exempt.
    /// </summary>
    private void VerifyBatchSize(IReadOnlyList<(CqlModificationStatement Statement, CqlRequestContext Context)> statements)
    {
        const int FailThresholdBytes = 50 * 1024;
        // A mutation is one keyspace and partition key, whatever tables it spans: that is what the exemption counts.
        var partitions = new HashSet<string>(StringComparer.Ordinal);
        var counted = new HashSet<object>(ReferenceEqualityComparer.Instance);
        long size = 0;
        foreach (var (statement, context) in statements)
        {
            var schema = ResolveTable(statement.Name, context.Keyspace).Schema;
            var keyConditions = statement switch
            {
                InsertStatement insert => insert.Columns.Zip(insert.Values, (c, v) => new CqlCondition(c, v)).ToList(),
                UpdateStatement update => update.Where,
                DeleteStatement delete => delete.Where,
                _ => [],
            };
            var (partitionKey, _) = PrimaryKey(schema, keyConditions, context, requireClustering: false);
            partitions.Add($"{schema.Keyspace}:{string.Join(':', partitionKey.Select(Convert.ToHexString))}");
            if (counted.Add(context))
            {
                size += context.Values.Sum(v => (long)(v.Bytes?.Length ?? 0));
            }
        }

        if (partitions.Count > 1 && size > FailThresholdBytes)
        {
            throw CqlServerException.Invalid("Batch too large");
        }
    }

    private void Validate(CqlModificationStatement statement, CqlRequestContext context)
    {
        var table = ResolveTable(statement.Name, context.Keyspace);
        RejectSystemKeyspace(table.Schema.Keyspace, schemaChange: false);
        _ = Timestamp(statement.Timestamp, context);
        switch (statement)
        {
            case InsertStatement insert:
                var given = insert.Columns.Zip(insert.Values, (c, v) => new CqlCondition(c, v)).ToList();
                _ = PrimaryKey(table.Schema, given, context, requireClustering: true);
                foreach (var condition in given)
                {
                    _ = Evaluate(condition.Value, table.Schema.Column(condition.Column), context);
                }

                break;
            case UpdateStatement update:
                RejectNonKeyConditions(table.Schema, update.Where);
                _ = PrimaryKey(table.Schema, update.Where, context, requireClustering: true);
                foreach (var assignment in update.Assignments)
                {
                    var column = table.Schema.Column(assignment.Column);
                    if (column.Kind != CqlColumnKind.Regular)
                    {
                        throw CqlServerException.Invalid($"PRIMARY KEY part {column.Name} found in SET part");
                    }

                    _ = Evaluate(assignment.Value, column, context);
                }

                break;
            case DeleteStatement delete:
                RejectNonKeyConditions(table.Schema, delete.Where);
                var (_, clustering) = PrimaryKey(table.Schema, delete.Where, context, requireClustering: false);
                if (clustering is null && delete.Columns.Count > 0)
                {
                    throw CqlServerException.Invalid($"Some clustering keys are missing: {string.Join(", ", table.Schema.Clustering.Select(c => c.Name))}");
                }

                foreach (var column in delete.Columns)
                {
                    if (table.Schema.Column(column).Kind != CqlColumnKind.Regular)
                    {
                        throw CqlServerException.Invalid($"Invalid identifier {column} for deletion (should not be a PRIMARY KEY part)");
                    }
                }

                break;
        }
    }

    private void Apply(CqlModificationStatement statement, CqlRequestContext context, long defaultTimestamp)
    {
        var table = ResolveTable(statement.Name, context.Keyspace);
        var schema = table.Schema;
        var timestamp = Timestamp(statement.Timestamp, context) ?? defaultTimestamp;
        switch (statement)
        {
            case InsertStatement insert:
                var given = insert.Columns.Zip(insert.Values, (c, v) => new CqlCondition(c, v)).ToList();
                var (partitionKey, clustering) = PrimaryKey(schema, given, context, requireClustering: true);
                table.Write(partitionKey, clustering!, RegularCells(schema, given, context), timestamp, writeMarker: true);
                break;
            case UpdateStatement update:
                var (updateKey, updateClustering) = PrimaryKey(schema, update.Where, context, requireClustering: true);
                table.Write(updateKey, updateClustering!, RegularCells(schema, update.Assignments, context), timestamp, writeMarker: false);
                break;
            case DeleteStatement delete:
                var (deleteKey, deleteClustering) = PrimaryKey(schema, delete.Where, context, requireClustering: false);
                if (delete.Columns.Count > 0)
                {
                    table.Write(deleteKey, deleteClustering!, delete.Columns.ToDictionary(c => c, _ => (byte[]?)null), timestamp, writeMarker: false);
                }
                else if (deleteClustering is null || schema.Clustering.Count == 0)
                {
                    table.DeletePartition(deleteKey, timestamp);
                }
                else
                {
                    table.DeleteRow(deleteKey, deleteClustering, timestamp);
                }

                break;
        }
    }

    private Dictionary<string, byte[]?> RegularCells(CqlTableSchema schema, IEnumerable<CqlCondition> given, CqlRequestContext context)
    {
        var cells = new Dictionary<string, byte[]?>(StringComparer.Ordinal);
        foreach (var condition in given)
        {
            var column = schema.Column(condition.Column);
            if (column.Kind != CqlColumnKind.Regular)
            {
                continue;
            }

            var (value, unset) = Evaluate(condition.Value, column, context);
            if (!unset)
            {
                cells[column.Name] = value;
            }
        }

        return cells;
    }

    /// <summary>The partition key and (when all given) the clustering key from equality conditions, with Cassandra's errors for missing parts.</summary>
    private (byte[][] PartitionKey, byte[][]? Clustering) PrimaryKey(CqlTableSchema schema, IReadOnlyCollection<CqlCondition> given, CqlRequestContext context, bool requireClustering)
    {
        var missing = schema.PartitionKey.Where(k => given.All(c => c.Column != k.Name)).Select(k => k.Name).ToList();
        if (missing.Count > 0)
        {
            throw CqlServerException.Invalid($"Some partition key parts are missing: {string.Join(", ", missing)}");
        }

        var partitionKey = schema.PartitionKey.Select(k => KeyPart(k, given, context)).ToArray();
        var missingClustering = schema.Clustering.Where(k => given.All(c => c.Column != k.Name)).Select(k => k.Name).ToList();
        if (missingClustering.Count == 0)
        {
            return (partitionKey, schema.Clustering.Select(k => KeyPart(k, given, context)).ToArray());
        }

        if (requireClustering || missingClustering.Count != schema.Clustering.Count)
        {
            throw CqlServerException.Invalid(requireClustering
                ? $"Some clustering keys are missing: {string.Join(", ", missingClustering)}"
                : "Range deletions on a clustering prefix are not supported by the in-memory CQL server");
        }

        return (partitionKey, null);
    }

    private static byte[] KeyPart(CqlColumnDefinition key, IEnumerable<CqlCondition> given, CqlRequestContext context)
    {
        var (value, unset) = Evaluate(given.First(c => c.Column == key.Name).Value, key, context);
        if (unset)
        {
            throw CqlServerException.Invalid($"Invalid unset value for column {key.Name}");
        }

        return value ?? throw CqlServerException.Invalid($"Invalid null value in condition for column {key.Name}");
    }

    private static void RejectNonKeyConditions(CqlTableSchema schema, IEnumerable<CqlCondition> where)
    {
        var nonKey = where.Select(c => schema.Column(c.Column)).Where(c => c.Kind == CqlColumnKind.Regular).Select(c => c.Name).ToList();
        if (nonKey.Count > 0)
        {
            throw CqlServerException.Invalid($"Non PRIMARY KEY columns found in where clause: {string.Join(", ", nonKey)}");
        }
    }

    private byte[] Select(SelectStatement select, CqlRequestContext context)
    {
        var table = ResolveTable(select.Name, context.Keyspace);
        var schema = table.Schema;
        var conditions = select.Where.Select(c =>
        {
            var column = schema.Column(c.Column);
            var (value, unset) = Evaluate(c.Value, column, context);
            return unset ? throw CqlServerException.Invalid($"Invalid unset value for column {column.Name}") : (Column: column, Value: value);
        }).ToList();
        var partitionKeyGiven = schema.PartitionKey.All(k => conditions.Any(c => c.Column.Name == k.Name));
        var onlyKeyPrefix = conditions.All(c => c.Column.Kind == CqlColumnKind.PartitionKey) ||
            (partitionKeyGiven && conditions.All(c => c.Column.Kind != CqlColumnKind.Regular) &&
             schema.Clustering.TakeWhile(k => conditions.Any(c => c.Column.Name == k.Name)).Count() == conditions.Count(c => c.Column.Kind == CqlColumnKind.Clustering));
        if (conditions.Count > 0 && (!partitionKeyGiven || !onlyKeyPrefix) && !select.AllowFiltering)
        {
            throw CqlServerException.Invalid(FilteringMessage);
        }

        var partitionKey = partitionKeyGiven && conditions.Count > 0
            ? schema.PartitionKey.Select(k => conditions.First(c => c.Column.Name == k.Name).Value ?? []).ToArray()
            : null;
        var indexes = schema.Columns.Select((c, i) => (c.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
        var rows = table.Read(partitionKey)
            .Where(row => conditions.All(c => row.Values[indexes[c.Column.Name]] is { } stored && c.Value is not null && stored.AsSpan().SequenceEqual(c.Value)))
            .ToList();
        if (select.OrderBy is { } orderBy)
        {
            var first = schema.Clustering.FirstOrDefault();
            if (first is null || orderBy.Column != first.Name || partitionKey is null)
            {
                throw CqlServerException.Invalid("Order by is currently only supported on the clustered columns of the PRIMARY KEY, got " + orderBy.Column);
            }

            if (orderBy.Descending != schema.ClusteringDescending[0])
            {
                rows.Reverse();
            }
        }

        if (select.Limit is { } limitTerm)
        {
            var (limitBytes, _) = Evaluate(limitTerm, new CqlColumnDefinition("[limit]", CqlType.Of(CqlTypeCode.Int), CqlColumnKind.Regular), context);
            var limit = limitBytes is null ? int.MaxValue : BinaryPrimitives.ReadInt32BigEndian(limitBytes);
            if (limit <= 0)
            {
                throw CqlServerException.Invalid("LIMIT must be strictly positive");
            }

            rows = [.. rows.Take(limit)];
        }

        var (columns, projection) = SelectedColumns(select, schema);
        byte[]? nextState = null;
        if (!select.Count)
        {
            var paging = new CqlPagingPosition(schema, reversed: select.OrderBy is { } order && order.Descending != schema.ClusteringDescending[0]);
            if (context.PagingState is { } state)
            {
                var after = paging.Decode(state);
                rows = [.. rows.SkipWhile(row => paging.CompareTo(row, after) <= 0)];
            }

            if (context.PageSize > 0 && rows.Count > context.PageSize)
            {
                rows = [.. rows.Take(context.PageSize)];
                nextState = paging.Encode(rows[^1]);
            }
        }

        List<byte[]?[]> output = select.Count
            ? [[BigEndian(rows.Count)]]
            : [.. rows.Select(row => projection.Select(p => p.WriteTime
                ? row.WriteTimes[p.Index] is { } written ? BigEndian(written) : null
                : row.Values[p.Index]).ToArray())];
        var page = output;

        var writer = new CqlWriter();
        writer.WriteInt((int)CqlResultKind.Rows);
        CqlRowsMetadata.Write(writer, columns, nextState, context.SkipMetadata);
        writer.WriteInt(page.Count);
        foreach (var row in page)
        {
            foreach (var value in row)
            {
                if (value is null)
                {
                    writer.WriteNullBytes();
                }
                else
                {
                    writer.WriteBytes(value);
                }
            }
        }

        return writer.ToArray();
    }

    private static (IReadOnlyList<CqlColumn> Columns, IReadOnlyList<(int Index, bool WriteTime)> Projection) SelectedColumns(SelectStatement select, CqlTableSchema schema)
    {
        if (select.Count)
        {
            return ([new CqlColumn(schema.Keyspace, schema.Name, "count", CqlType.Of(CqlTypeCode.Bigint))], []);
        }

        var selectors = select.Selectors ?? [.. schema.Columns.Select(c => new CqlSelector(c.Name, false, null))];
        var columns = new List<CqlColumn>();
        var projection = new List<(int, bool)>();
        foreach (var selector in selectors)
        {
            var column = schema.Column(selector.Column);
            if (selector.WriteTime && column.Kind != CqlColumnKind.Regular)
            {
                throw CqlServerException.Invalid($"Cannot use selection function writeTime on PRIMARY KEY part {column.Name}");
            }

            projection.Add((schema.Columns.ToList().IndexOf(column), selector.WriteTime));
            columns.Add(new CqlColumn(schema.Keyspace, schema.Name, selector.OutputName, selector.WriteTime ? CqlType.Of(CqlTypeCode.Bigint) : column.Type));
        }

        return (columns, projection);
    }

    private static byte[] BigEndian(long value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bytes, value);
        return bytes;
    }

    /// <summary>A term's serialized value for a column: literal converted, bind marker validated against the column type.</summary>
    private static (byte[]? Value, bool Unset) Evaluate(CqlTerm term, CqlColumnDefinition column, CqlRequestContext context)
    {
        switch (term)
        {
            case CqlNullTerm:
                return (null, false);
            case CqlLiteralTerm literal:
                return (CqlLiteralConverter.ToBytes(literal.Token, column.Type, column.Name), false);
            case CqlBindTerm bind:
                var value = context.Values[bind.Index];
                if (value.IsUnset)
                {
                    return (null, true);
                }

                // Cassandra accepts an empty value (not null) for any type, as older clients wrote it.
                if (value.Bytes is { Length: > 0 } bytes)
                {
                    try
                    {
                        _ = CqlCodec.Deserialize(column.Type, bytes);
                    }
                    catch (Exception exception) when (exception is InvalidDataException or OverflowException or ArgumentException)
                    {
                        throw CqlServerException.Invalid($"Invalid value for column {column.Name} of type {column.Type}: {exception.Message}");
                    }
                }

                return (value.Bytes, false);
            default:
                throw CqlServerException.Invalid($"Unsupported term for column {column.Name}");
        }
    }

    private static long? Timestamp(CqlTerm? term, CqlRequestContext context)
    {
        if (term is null)
        {
            return null;
        }

        var (value, unset) = Evaluate(term, new CqlColumnDefinition("[timestamp]", CqlType.Of(CqlTypeCode.Bigint), CqlColumnKind.Regular), context);
        if (unset || value is null)
        {
            throw CqlServerException.Invalid("Invalid null value of timestamp");
        }

        return BinaryPrimitives.ReadInt64BigEndian(value);
    }

    private CqlTableData ResolveTable(CqlTableName name, string? sessionKeyspace)
    {
        var keyspace = KeyspaceOf(name, sessionKeyspace);
        return store.FindTable(keyspace, name.Table)
            ?? (store.HasKeyspace(keyspace)
                ? throw CqlServerException.Invalid($"unconfigured table {name.Table}")
                : throw CqlServerException.Invalid($"Keyspace {keyspace} does not exist"));
    }

    private string KeyspaceOf(CqlTableName name, string? sessionKeyspace)
    {
        var keyspace = name.Keyspace ?? sessionKeyspace
            ?? throw CqlServerException.Invalid("No keyspace has been specified. USE a keyspace, or explicitly specify keyspace.tablename");
        return store.HasKeyspace(keyspace) ? keyspace : throw CqlServerException.Invalid($"Keyspace {keyspace} does not exist");
    }

    /// <summary>
    /// No client changes the tables of a system keyspace, nor the rows of the derived ones (<c>system_schema</c>,
    /// <c>system_virtual_schema</c>). Rows of <c>system</c> stay writable: tests add peers to <c>system.peers</c>.
    /// </summary>
    private void RejectSystemKeyspace(string keyspace, bool schemaChange)
    {
        if (store.FindKeyspace(keyspace) is { } found && (schemaChange ? found.IsSystem : found.IsReadOnly))
        {
            throw new CqlServerException(CqlErrorCode.Unauthorized, $"{keyspace} keyspace is not user-modifiable.");
        }
    }

    private static byte[] VoidResult()
    {
        var writer = new CqlWriter();
        writer.WriteInt((int)CqlResultKind.Void);
        return writer.ToArray();
    }

    private byte[] SchemaChangeResult(string change, string target, string keyspace, string? table)
    {
        schemaChanged(new CqlSchemaChange(change, target, keyspace, table ?? string.Empty));
        var writer = new CqlWriter();
        writer.WriteInt((int)CqlResultKind.SchemaChange);
        WriteSchemaChange(writer, change, target, keyspace, table);
        return writer.ToArray();
    }

    /// <summary>The body shared by a Schema_change result and a SCHEMA_CHANGE event (spec sections 4.2.5.5 and 4.2.6).</summary>
    public static void WriteSchemaChange(CqlWriter writer, string change, string target, string keyspace, string? table)
    {
        writer.WriteString(change);
        writer.WriteString(target);
        writer.WriteString(keyspace);
        if (!string.IsNullOrEmpty(table))
        {
            writer.WriteString(table);
        }
    }
}
