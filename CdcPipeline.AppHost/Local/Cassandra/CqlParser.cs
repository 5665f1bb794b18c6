using CdcPipeline.ServiceDefaults.Cassandra;

namespace CdcPipeline.AppHost.Local.Cassandra;

/// <summary>Recursive-descent parser of the CQL subset the in-memory CQL server implements; other input is a Syntax error.</summary>
internal sealed class CqlParser
{
    private readonly List<CqlToken> _tokens;
    private readonly bool _allowCollections;
    private int _position;
    private int _bindCount;

    private CqlParser(string text, bool allowCollections = false)
    {
        _tokens = CqlLexer.Tokenize(text);
        _allowCollections = allowCollections;
    }

    private static readonly (string[] Keywords, CqlDescribeKind Kind)[] DescribeListings =
    [
        (["cluster"], CqlDescribeKind.Cluster),
        (["full", "schema"], CqlDescribeKind.FullSchema),
        (["schema"], CqlDescribeKind.Schema),
        (["keyspaces"], CqlDescribeKind.Keyspaces),
        (["tables"], CqlDescribeKind.Tables),
        (["columnfamilies"], CqlDescribeKind.Tables),
        (["types"], CqlDescribeKind.Types),
        (["functions"], CqlDescribeKind.Functions),
        (["aggregates"], CqlDescribeKind.Aggregates),
    ];

    private static readonly (string[] Keywords, CqlDescribeKind Kind)[] DescribeElements =
    [
        (["table"], CqlDescribeKind.Table),
        (["columnfamily"], CqlDescribeKind.Table),
        (["type"], CqlDescribeKind.Type),
        (["function"], CqlDescribeKind.Function),
        (["aggregate"], CqlDescribeKind.Aggregate),
        (["index"], CqlDescribeKind.Index),
        (["materialized", "view"], CqlDescribeKind.MaterializedView),
    ];

    private CqlToken Current => _tokens[_position];

    public static CqlParsedStatement Parse(string text)
    {
        var parser = new CqlParser(text);
        var statement = parser.ParseStatement();
        parser.AcceptSymbol(";");
        if (parser.Current.Kind != CqlTokenKind.End)
        {
            throw parser.Unexpected("end of statement");
        }

        return statement;
    }

    /// <summary>
    /// A CREATE TABLE of the server's own system tables, which may use (frozen) collection types; user tables cannot,
    /// since the server has no collection literals or operations.
    /// </summary>
    public static CreateTableStatement ParseSystemTable(string text)
    {
        var parser = new CqlParser(text, allowCollections: true);
        parser.ExpectKeyword("create");
        parser.ExpectKeyword("table");
        var statement = parser.ParseCreateTable();
        if (parser.Current.Kind != CqlTokenKind.End)
        {
            throw parser.Unexpected("end of statement");
        }

        return statement;
    }

    private CqlParsedStatement ParseStatement()
    {
        if (AcceptKeyword("create"))
        {
            if (AcceptKeyword("keyspace"))
            {
                return ParseCreateKeyspace();
            }

            if (AcceptKeyword("table") || AcceptKeyword("columnfamily"))
            {
                return ParseCreateTable();
            }

            throw Unexpected("KEYSPACE or TABLE");
        }

        if (AcceptKeyword("use"))
        {
            return new UseStatement(ExpectName());
        }

        if (AcceptKeyword("drop"))
        {
            var kind = AcceptKeyword("keyspace") ? "KEYSPACE" : ExpectKeyword("table") ? "TABLE" : string.Empty;
            var ifExists = AcceptKeywords("if", "exists");
            return new DropStatement(kind, kind == "KEYSPACE" ? new CqlTableName(ExpectName(), string.Empty) : ParseTableName(), ifExists);
        }

        if (AcceptKeyword("truncate"))
        {
            AcceptKeyword("table");
            return new TruncateStatement(ParseTableName());
        }

        if (AcceptKeyword("insert"))
        {
            return ParseInsert();
        }

        if (AcceptKeyword("update"))
        {
            return ParseUpdate();
        }

        if (AcceptKeyword("delete"))
        {
            return ParseDelete();
        }

        if (AcceptKeyword("select"))
        {
            return ParseSelect();
        }

        if (AcceptKeyword("begin"))
        {
            return ParseBatch();
        }

        if (AcceptKeyword("describe") || AcceptKeyword("desc"))
        {
            return ParseDescribe();
        }

        throw Unexpected("a statement");
    }

    private CreateKeyspaceStatement ParseCreateKeyspace()
    {
        var ifNotExists = AcceptKeywords("if", "not", "exists");
        var name = ExpectName();
        ExpectKeyword("with");
        IReadOnlyDictionary<string, string>? replication = null;
        var durableWrites = true;
        do
        {
            var property = ExpectName();
            ExpectSymbol("=");
            switch (property)
            {
                case "replication":
                    replication = ParseMapLiteral();
                    break;
                case "durable_writes":
                    durableWrites = Current.Kind is CqlTokenKind.String or CqlTokenKind.Identifier && bool.TryParse(Current.Text, out var durable)
                        ? durable
                        : throw Unexpected("true or false");
                    _position++;
                    break;
                default:
                    throw CqlServerException.Syntax($"Unknown property '{property}'");
            }
        }
        while (AcceptKeyword("and"));

        return new CreateKeyspaceStatement(name, ifNotExists, replication, durableWrites);
    }

    /// <summary>A map literal of text keys (<c>{'class': 'SimpleStrategy', 'replication_factor': 1}</c>); values keep their text.</summary>
    private Dictionary<string, string> ParseMapLiteral()
    {
        ExpectSymbol("{");
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (AcceptSymbol("}"))
        {
            return map;
        }

        do
        {
            var key = Current.Kind == CqlTokenKind.String ? Current.Text : throw Unexpected("a string key");
            _position++;
            ExpectSymbol(":");
            map[key] = Current.Kind is CqlTokenKind.String or CqlTokenKind.Integer or CqlTokenKind.Float || Current.IsKeyword("true") || Current.IsKeyword("false")
                ? Current.Text
                : throw Unexpected("a constant");
            _position++;
        }
        while (AcceptSymbol(","));

        ExpectSymbol("}");
        return map;
    }

    private DescribeStatement ParseDescribe()
    {
        DescribeStatement statement;
        if (AcceptOneOf(DescribeListings) is { } listing)
        {
            statement = new DescribeStatement(listing, null, null);
        }
        else if (AcceptKeywords("only", "keyspace"))
        {
            statement = new DescribeStatement(CqlDescribeKind.OnlyKeyspace, OptionalKeyspaceName(), null);
        }
        else if (AcceptKeyword("keyspace"))
        {
            statement = new DescribeStatement(CqlDescribeKind.Keyspace, OptionalKeyspaceName(), null);
        }
        else
        {
            var kind = AcceptOneOf(DescribeElements) ?? CqlDescribeKind.Generic;
            var name = ParseTableName();
            statement = new DescribeStatement(kind, name.Keyspace, name.Table);
        }

        // WITH INTERNALS adds table ids and dropped columns, which the in-memory server does not keep: the output is the same.
        AcceptKeywords("with", "internals");
        return statement;
    }

    private CreateTableStatement ParseCreateTable()
    {
        var ifNotExists = AcceptKeywords("if", "not", "exists");
        var name = ParseTableName();
        ExpectSymbol("(");
        var columns = new List<CqlColumnDeclaration>();
        var partitionKey = new List<string>();
        var clustering = new List<string>();
        do
        {
            if (AcceptKeywords("primary", "key"))
            {
                ExpectSymbol("(");
                if (AcceptSymbol("("))
                {
                    partitionKey.AddRange(ParseNameList());
                    ExpectSymbol(")");
                }
                else
                {
                    partitionKey.Add(ExpectName());
                }

                while (AcceptSymbol(","))
                {
                    clustering.Add(ExpectName());
                }

                ExpectSymbol(")");
                continue;
            }

            var column = ExpectName();
            var frozen = Current.IsKeyword("frozen") && _allowCollections;
            if (frozen)
            {
                _position++;
                ExpectSymbol("<");
            }

            var type = ParseType();
            if (frozen)
            {
                ExpectSymbol(">");
            }

            columns.Add(new CqlColumnDeclaration(column, type, frozen));
            if (AcceptKeywords("primary", "key"))
            {
                partitionKey.Add(column);
            }
        }
        while (AcceptSymbol(","));

        ExpectSymbol(")");
        var descending = new Dictionary<string, bool>(StringComparer.Ordinal);
        if (AcceptKeyword("with"))
        {
            do
            {
                if (AcceptKeywords("clustering", "order", "by"))
                {
                    ExpectSymbol("(");
                    do
                    {
                        var column = ExpectName();
                        var isDescending = AcceptKeyword("desc");
                        if (!isDescending)
                        {
                            AcceptKeyword("asc");
                        }

                        descending[column] = isDescending;
                    }
                    while (AcceptSymbol(","));

                    ExpectSymbol(")");
                }
                else
                {
                    SkipOneOption();
                }
            }
            while (AcceptKeyword("and"));
        }

        return new CreateTableStatement(name, ifNotExists, columns, partitionKey, clustering, descending);
    }

    private InsertStatement ParseInsert()
    {
        ExpectKeyword("into");
        var name = ParseTableName();
        ExpectSymbol("(");
        var columns = ParseNameList();
        ExpectSymbol(")");
        ExpectKeyword("values");
        ExpectSymbol("(");
        var values = new List<CqlTerm>();
        do
        {
            values.Add(ParseTerm());
        }
        while (AcceptSymbol(","));

        ExpectSymbol(")");
        if (columns.Count != values.Count)
        {
            throw CqlServerException.Invalid("Unmatched column names/values");
        }

        if (AcceptKeywords("if", "not", "exists"))
        {
            throw CqlServerException.Invalid("Conditional updates (IF NOT EXISTS) are not supported by the in-memory CQL server");
        }

        var timestamp = ParseUsing();
        return new InsertStatement(name, columns, values, timestamp, _bindCount);
    }

    private UpdateStatement ParseUpdate()
    {
        var name = ParseTableName();
        var timestamp = ParseUsing();
        ExpectKeyword("set");
        var assignments = new List<CqlCondition>();
        do
        {
            var column = ExpectName();
            ExpectSymbol("=");
            assignments.Add(new CqlCondition(column, ParseTerm()));
        }
        while (AcceptSymbol(","));

        var where = ParseWhere();
        RejectConditions();
        return new UpdateStatement(name, assignments, where, timestamp, _bindCount);
    }

    private DeleteStatement ParseDelete()
    {
        var columns = Current.IsKeyword("from") ? [] : ParseNameList();
        ExpectKeyword("from");
        var name = ParseTableName();
        var timestamp = ParseUsing();
        var where = ParseWhere();
        RejectConditions();
        return new DeleteStatement(name, columns, where, timestamp, _bindCount);
    }

    private SelectStatement ParseSelect()
    {
        IReadOnlyList<CqlSelector>? selectors = null;
        var count = false;
        if (AcceptSymbol("*"))
        {
            selectors = null;
        }
        else if (Current.IsKeyword("count") && _tokens[_position + 1].IsSymbol("("))
        {
            _position += 2;
            if (!AcceptSymbol("*"))
            {
                if (Current is not { Kind: CqlTokenKind.Integer, Text: "1" })
                {
                    throw Unexpected("*");
                }

                _position++;
            }

            ExpectSymbol(")");
            count = true;
            if (AcceptKeyword("as"))
            {
                ExpectName();
            }
        }
        else
        {
            var list = new List<CqlSelector>();
            do
            {
                list.Add(ParseSelector());
            }
            while (AcceptSymbol(","));

            selectors = list;
        }

        ExpectKeyword("from");
        var name = ParseTableName();
        var where = Current.IsKeyword("where") ? ParseWhere() : [];
        (string, bool)? orderBy = null;
        if (AcceptKeywords("order", "by"))
        {
            var column = ExpectName();
            var descending = AcceptKeyword("desc");
            if (!descending)
            {
                AcceptKeyword("asc");
            }

            orderBy = (column, descending);
        }

        CqlTerm? limit = null;
        if (AcceptKeyword("limit"))
        {
            limit = ParseTerm();
        }

        var allowFiltering = AcceptKeywords("allow", "filtering");
        return new SelectStatement(name, selectors, count, where, orderBy, limit, allowFiltering, _bindCount);
    }

    private CqlSelector ParseSelector()
    {
        var writeTime = false;
        string column;
        if (Current.IsKeyword("writetime") && _tokens[_position + 1].IsSymbol("("))
        {
            _position += 2;
            column = ExpectName();
            ExpectSymbol(")");
            writeTime = true;
        }
        else
        {
            column = ExpectName();
        }

        var alias = AcceptKeyword("as") ? ExpectName() : null;
        return new CqlSelector(column, writeTime, alias);
    }

    private BatchTextStatement ParseBatch()
    {
        var type = AcceptKeyword("unlogged") ? CqlBatchType.Unlogged : AcceptKeyword("counter") ? CqlBatchType.Counter : CqlBatchType.Logged;
        AcceptKeyword("logged");
        ExpectKeyword("batch");
        var timestamp = ParseUsing();
        var statements = new List<CqlModificationStatement>();
        while (!AcceptKeywords("apply", "batch"))
        {
            var statement = ParseStatement();
            statements.Add(statement as CqlModificationStatement ?? throw CqlServerException.Invalid("Only INSERT, UPDATE and DELETE statements are allowed in a BATCH"));
            AcceptSymbol(";");
        }

        return new BatchTextStatement(type, timestamp, statements, _bindCount);
    }

    private List<CqlCondition> ParseWhere()
    {
        ExpectKeyword("where");
        var conditions = new List<CqlCondition>();
        do
        {
            var column = ExpectName();
            ExpectSymbol("=");
            conditions.Add(new CqlCondition(column, ParseTerm()));
        }
        while (AcceptKeyword("and"));

        return conditions;
    }

    private void RejectConditions()
    {
        if (Current.IsKeyword("if"))
        {
            throw CqlServerException.Invalid("Conditional updates (IF ...) are not supported by the in-memory CQL server");
        }
    }

    private CqlTerm? ParseUsing()
    {
        if (!AcceptKeyword("using"))
        {
            return null;
        }

        CqlTerm? timestamp = null;
        do
        {
            if (AcceptKeyword("timestamp"))
            {
                timestamp = ParseTerm();
            }
            else if (AcceptKeyword("ttl"))
            {
                throw CqlServerException.Invalid("USING TTL is not supported by the in-memory CQL server");
            }
            else
            {
                throw Unexpected("TIMESTAMP");
            }
        }
        while (AcceptKeyword("and"));

        return timestamp;
    }

    private CqlTerm ParseTerm()
    {
        var token = Current;
        switch (token.Kind)
        {
            case CqlTokenKind.BindMarker:
                _position++;
                return new CqlBindTerm(_bindCount++);
            case CqlTokenKind.String or CqlTokenKind.Integer or CqlTokenKind.Float or CqlTokenKind.Uuid or CqlTokenKind.Blob:
                _position++;
                return new CqlLiteralTerm(token);
            case CqlTokenKind.Identifier when token.IsKeyword("null"):
                _position++;
                return new CqlNullTerm();
            case CqlTokenKind.Identifier when token.IsKeyword("true") || token.IsKeyword("false"):
                _position++;
                return new CqlLiteralTerm(token);
            default:
                throw Unexpected("a value");
        }
    }

    private CqlType ParseType()
    {
        var name = ExpectName();
        if (name is "list" or "set" or "map" && _allowCollections)
        {
            ExpectSymbol("<");
            var element = ParseType();
            CqlType collection;
            if (name == "map")
            {
                ExpectSymbol(",");
                collection = CqlType.Map(element, ParseType());
            }
            else
            {
                collection = name == "list" ? CqlType.List(element) : CqlType.Set(element);
            }

            ExpectSymbol(">");
            return collection;
        }

        if (name is "list" or "set" or "map" or "frozen" or "tuple")
        {
            throw CqlServerException.Invalid($"Column type {name}<...> is not supported by the in-memory CQL server");
        }

        return CqlType.FromName(name) ?? throw CqlServerException.Syntax($"line {Current.Line}:{Current.Column} Unknown type {name}");
    }

    private CqlTableName ParseTableName()
    {
        var first = ExpectName();
        return AcceptSymbol(".") ? new CqlTableName(first, ExpectName()) : new CqlTableName(null, first);
    }

    private List<string> ParseNameList()
    {
        var names = new List<string>();
        do
        {
            names.Add(ExpectName());
        }
        while (AcceptSymbol(","));

        return names;
    }

    private CqlDescribeKind? AcceptOneOf((string[] Keywords, CqlDescribeKind Kind)[] forms)
    {
        foreach (var (keywords, kind) in forms)
        {
            if (AcceptKeywords(keywords))
            {
                return kind;
            }
        }

        return null;
    }

    private string? OptionalKeyspaceName() =>
        Current.Kind is CqlTokenKind.Identifier or CqlTokenKind.QuotedIdentifier && !Current.IsKeyword("with") ? ExpectName() : null;

    private void SkipOneOption()
    {
        ExpectName();
        ExpectSymbol("=");
        if (AcceptSymbol("{"))
        {
            var depth = 1;
            while (depth > 0)
            {
                if (Current.Kind == CqlTokenKind.End)
                {
                    throw Unexpected("}");
                }

                depth += Current.IsSymbol("{") ? 1 : Current.IsSymbol("}") ? -1 : 0;
                _position++;
            }
        }
        else
        {
            ParseTerm();
        }
    }

    private string ExpectName()
    {
        var token = Current;
        if (token.Kind is CqlTokenKind.Identifier or CqlTokenKind.QuotedIdentifier)
        {
            _position++;
            return token.Text;
        }

        throw Unexpected("an identifier");
    }

    private bool ExpectKeyword(string keyword) => AcceptKeyword(keyword) ? true : throw Unexpected(keyword.ToUpperInvariant());

    private void ExpectSymbol(string symbol)
    {
        if (!AcceptSymbol(symbol))
        {
            throw Unexpected($"'{symbol}'");
        }
    }

    private bool AcceptKeyword(string keyword)
    {
        if (!Current.IsKeyword(keyword))
        {
            return false;
        }

        _position++;
        return true;
    }

    private bool AcceptKeywords(params string[] keywords)
    {
        for (var i = 0; i < keywords.Length; i++)
        {
            if (!_tokens[Math.Min(_position + i, _tokens.Count - 1)].IsKeyword(keywords[i]))
            {
                return false;
            }
        }

        _position += keywords.Length;
        return true;
    }

    private bool AcceptSymbol(string symbol)
    {
        if (!Current.IsSymbol(symbol))
        {
            return false;
        }

        _position++;
        return true;
    }

    private CqlServerException Unexpected(string expected) =>
        Current.Kind == CqlTokenKind.End
            ? CqlServerException.Syntax($"line {Current.Line}:{Current.Column} mismatched input '<EOF>' expecting {expected}")
            : CqlServerException.Syntax($"line {Current.Line}:{Current.Column} no viable alternative at input '{Current.Display}' (expecting {expected})");
}
