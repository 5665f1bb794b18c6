using System.Buffers.Binary;
using System.Text;
using CdcPipeline.ServiceDefaults.Cassandra;
using CdcPipeline.ServiceDefaults.Cassandra.Codecs;
using CdcPipeline.ServiceDefaults.Cassandra.Protocol;

namespace CdcPipeline.AppHost.Local.Cassandra;

/// <summary>
/// Server-side DESCRIBE as Cassandra 4.0+ answers it (cqlsh 6 sends its DESCRIBE commands to the server): rows of
/// <c>keyspace_name, type, name</c> for listings, plus <c>create_statement</c> for elements, paged by row offset.
/// The caller holds the store's lock.
/// </summary>
internal sealed class CqlDescriber(CqlStore store)
{
    private const string SchemaChangedWhilePaging =
        "The schema has changed since the previous page of the DESCRIBE statement result. Please retry the DESCRIBE statement.";

    private static readonly CqlType Text = CqlType.Of(CqlTypeCode.Varchar);
    private static readonly CqlType RangeOwnership = CqlType.Map(Text, CqlType.List(Text));

    private enum Shape
    {
        Listing,
        Element,
    }

    public byte[] Execute(DescribeStatement statement, CqlRequestContext context)
    {
        if (statement.Kind == CqlDescribeKind.Cluster)
        {
            return Cluster(context);
        }

        var (shape, elements) = Describe(statement, context);
        return Rows(
            shape == Shape.Listing ? ["keyspace_name", "type", "name"] : ["keyspace_name", "type", "name", "create_statement"],
            [.. elements.Select(e => shape == Shape.Listing ? new[] { e.Keyspace, e.Type, e.Name } : [e.Keyspace, e.Type, e.Name, e.Cql])],
            context);
    }

    private (Shape Shape, IEnumerable<Element> Elements) Describe(DescribeStatement statement, CqlRequestContext context) =>
        statement.Kind switch
        {
            CqlDescribeKind.Keyspaces => (Shape.Listing, SortedKeyspaces().Select(KeyspaceElement)),
            CqlDescribeKind.Tables => (Shape.Listing, ListedKeyspaces(context).SelectMany(k => SortedTables(k).Select(t => TableElement(k, t)))),
            CqlDescribeKind.Types or CqlDescribeKind.Functions or CqlDescribeKind.Aggregates =>
                (Shape.Listing, NoneIn(ListedKeyspaces(context))),
            CqlDescribeKind.Schema or CqlDescribeKind.FullSchema => (Shape.Element, SortedKeyspaces()
                .Where(k => statement.Kind == CqlDescribeKind.FullSchema || !k.IsSystem)
                .SelectMany(k => KeyspaceElements(k, onlyKeyspace: false))),
            CqlDescribeKind.Keyspace or CqlDescribeKind.OnlyKeyspace => (Shape.Element,
                KeyspaceElements(Keyspace(CurrentKeyspace(statement.Keyspace, context)), statement.Kind == CqlDescribeKind.OnlyKeyspace)),
            CqlDescribeKind.Table => (Shape.Element, [Table(Keyspace(CurrentKeyspace(statement.Keyspace, context)), statement.Name!)]),
            CqlDescribeKind.Generic => (Shape.Element, Generic(statement, context)),
            _ => (Shape.Element, NotFound(statement, context)),
        };

    /// <summary>No user type, function or aggregate can exist here: the listing is empty once the keyspace in use is found.</summary>
    private static IEnumerable<Element> NoneIn(IEnumerable<CqlKeyspace> keyspaces) => keyspaces.SelectMany(_ => Enumerable.Empty<Element>());

    private IEnumerable<CqlKeyspace> SortedKeyspaces() => store.Keyspaces.OrderBy(k => k.Name, StringComparer.OrdinalIgnoreCase);

    private static IEnumerable<CqlTableSchema> SortedTables(CqlKeyspace keyspace) =>
        keyspace.Tables.Values.Select(t => t.Schema).OrderBy(t => t.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>A listing covers the keyspace in use, or every keyspace when none is.</summary>
    private IEnumerable<CqlKeyspace> ListedKeyspaces(CqlRequestContext context) =>
        context.Keyspace is { } current ? [Keyspace(current)] : SortedKeyspaces();

    private static IEnumerable<Element> KeyspaceElements(CqlKeyspace keyspace, bool onlyKeyspace) =>
        onlyKeyspace ? [KeyspaceElement(keyspace)] : SortedTables(keyspace).Select(t => TableElement(keyspace, t)).Prepend(KeyspaceElement(keyspace));

    private static Element KeyspaceElement(CqlKeyspace keyspace) =>
        new(CqlNames.Quote(keyspace.Name), "keyspace", CqlNames.Quote(keyspace.Name), CqlSchemaCql.Keyspace(keyspace));

    private static Element TableElement(CqlKeyspace keyspace, CqlTableSchema table) =>
        new(CqlNames.Quote(keyspace.Name), "table", CqlNames.Quote(table.Name), CqlSchemaCql.Table(table, keyspace.Kind == CqlKeyspaceKind.Virtual));

    private static Element Table(CqlKeyspace keyspace, string name) =>
        keyspace.Tables.TryGetValue(name, out var table)
            ? TableElement(keyspace, table.Schema)
            : throw CqlServerException.Invalid($"Table '{name}' not found in keyspace '{keyspace.Name}'");

    /// <summary>DESCRIBE &lt;name&gt;: a keyspace, else a table of the named or current keyspace (indexes and views do not exist here).</summary>
    private IEnumerable<Element> Generic(DescribeStatement statement, CqlRequestContext context)
    {
        var name = statement.Name!;
        if (statement.Keyspace is null && store.FindKeyspace(name) is { } named)
        {
            return KeyspaceElements(named, onlyKeyspace: false);
        }

        var keyspace = Keyspace(statement.Keyspace ?? context.Keyspace ?? name);
        return keyspace.Tables.TryGetValue(name, out var table)
            ? [TableElement(keyspace, table.Schema)]
            : throw CqlServerException.Invalid($"'{name}' not found in keyspace '{keyspace.Name}'");
    }

    /// <summary>Types, functions, aggregates, indexes and views cannot be created on the in-memory server, so none is ever found.</summary>
    private IEnumerable<Element> NotFound(DescribeStatement statement, CqlRequestContext context)
    {
        var keyspace = Keyspace(CurrentKeyspace(statement.Keyspace, context)).Name;
        var name = statement.Name;
        throw CqlServerException.Invalid(statement.Kind switch
        {
            CqlDescribeKind.Type => $"User defined type '{name}' not found in '{keyspace}'",
            CqlDescribeKind.Function => $"User defined function '{name}' not found in '{keyspace}'",
            CqlDescribeKind.Aggregate => $"User defined aggregate '{name}' not found in '{keyspace}'",
            CqlDescribeKind.Index => $"Table for existing index '{name}' not found in '{keyspace}'",
            _ => $"Materialized view '{name}' not found in '{keyspace}'",
        });
    }

    private static string CurrentKeyspace(string? named, CqlRequestContext context) =>
        named ?? context.Keyspace ?? throw CqlServerException.Invalid("No keyspace specified and no current keyspace");

    private CqlKeyspace Keyspace(string name) =>
        store.FindKeyspace(name) ?? throw CqlServerException.Invalid($"'{name}' not found in keyspaces");

    /// <summary>Cluster name, partitioner and snitch; with a user keyspace in use also which node owns which token range.</summary>
    private byte[] Cluster(CqlRequestContext context)
    {
        var columns = new List<CqlColumn> { Column("cluster"), Column("partitioner"), Column("snitch") };
        var row = new List<byte[]?> { Utf8(CqlStore.ClusterName), Utf8("Murmur3Partitioner"), Utf8("DynamicEndpointSnitch") };
        if (context.Keyspace is { } current && store.FindKeyspace(current) is { IsSystem: false })
        {
            columns.Add(new CqlColumn("system", "describe", "range_ownership", RangeOwnership));
            row.Add(CqlCodec.Serialize(RangeOwnership, new Dictionary<string, List<string>> { [CqlStore.Token] = [$"/{store.Address}:7000"] }).Bytes);
        }

        return Write(columns, [[.. row]], pagingState: null, context.SkipMetadata);
    }

    private byte[] Rows(string[] names, IReadOnlyList<string[]> rows, CqlRequestContext context)
    {
        var offset = context.PagingState is { } state ? DecodeOffset(state) : 0;
        var page = rows.Skip(offset).Take(context.PageSize > 0 ? context.PageSize : int.MaxValue).ToList();
        var next = offset + page.Count;
        return Write(
            [.. names.Select(Column)],
            [.. page.Select(row => row.Select(Utf8).ToArray())],
            next < rows.Count ? EncodeOffset(next) : null,
            context.SkipMetadata);
    }

    private byte[] EncodeOffset(int offset)
    {
        var state = new byte[28];
        BinaryPrimitives.WriteInt32BigEndian(state, 1);
        store.SchemaVersion.ToByteArray(bigEndian: true).CopyTo(state, 4);
        BinaryPrimitives.WriteInt64BigEndian(state.AsSpan(20), offset);
        return state;
    }

    private int DecodeOffset(byte[] state)
    {
        if (state.Length != 28 || BinaryPrimitives.ReadInt32BigEndian(state) != 1)
        {
            throw CqlServerException.Invalid("Invalid paging state.");
        }

        return new Guid(state.AsSpan(4, 16), bigEndian: true) == store.SchemaVersion
            ? checked((int)BinaryPrimitives.ReadInt64BigEndian(state.AsSpan(20)))
            : throw CqlServerException.Invalid(SchemaChangedWhilePaging);
    }

    private static byte[] Write(IReadOnlyList<CqlColumn> columns, IReadOnlyList<byte[]?[]> rows, byte[]? pagingState, bool skipMetadata)
    {
        var writer = new CqlWriter();
        writer.WriteInt((int)CqlResultKind.Rows);
        CqlRowsMetadata.Write(writer, columns, pagingState, skipMetadata);
        writer.WriteInt(rows.Count);
        foreach (var value in rows.SelectMany(r => r))
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

        return writer.ToArray();
    }

    private static CqlColumn Column(string name) => new("system", "describe", name, Text);

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private sealed record Element(string Keyspace, string Type, string Name, string Cql);
}
