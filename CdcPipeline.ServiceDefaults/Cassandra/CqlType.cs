namespace CdcPipeline.ServiceDefaults.Cassandra;

/// <summary>A CQL column type: a type code, plus element types for collections.</summary>
public sealed record CqlType
{
    private CqlType(CqlTypeCode code, IReadOnlyList<CqlType> elements, string? customName)
    {
        Code = code;
        Elements = elements;
        CustomName = customName;
    }

    public CqlTypeCode Code { get; }

    public IReadOnlyList<CqlType> Elements { get; }

    public string? CustomName { get; }

    public static CqlType Of(CqlTypeCode code) => new(code, [], null);

    public static CqlType Custom(string className) => new(CqlTypeCode.Custom, [], className);

    public static CqlType List(CqlType element) => new(CqlTypeCode.List, [element], null);

    public static CqlType Set(CqlType element) => new(CqlTypeCode.Set, [element], null);

    public static CqlType Map(CqlType key, CqlType value) => new(CqlTypeCode.Map, [key, value], null);

    public bool Equals(CqlType? other) =>
        other is not null && Code == other.Code && CustomName == other.CustomName && Elements.SequenceEqual(other.Elements);

    public override int GetHashCode() => HashCode.Combine(Code, CustomName, Elements.Count);

    /// <summary>The CQL name, as written in a CREATE TABLE (<c>text</c>, <c>list&lt;int&gt;</c>, ...).</summary>
    public override string ToString() => Code switch
    {
        CqlTypeCode.Custom => $"'{CustomName}'",
        CqlTypeCode.List => $"list<{Elements[0]}>",
        CqlTypeCode.Set => $"set<{Elements[0]}>",
        CqlTypeCode.Map => $"map<{Elements[0]}, {Elements[1]}>",
        CqlTypeCode.Varchar => "text",
        _ => Code.ToString().ToLowerInvariant(),
    };

    /// <summary>Parses a simple CQL type name (<c>text</c>, <c>varchar</c>, <c>bigint</c>, ...); null when unknown.</summary>
    public static CqlType? FromName(string name) => name.ToLowerInvariant() switch
    {
        "ascii" => Of(CqlTypeCode.Ascii),
        "bigint" => Of(CqlTypeCode.Bigint),
        "blob" => Of(CqlTypeCode.Blob),
        "boolean" => Of(CqlTypeCode.Boolean),
        "counter" => Of(CqlTypeCode.Counter),
        "decimal" => Of(CqlTypeCode.Decimal),
        "double" => Of(CqlTypeCode.Double),
        "float" => Of(CqlTypeCode.Float),
        "int" => Of(CqlTypeCode.Int),
        "timestamp" => Of(CqlTypeCode.Timestamp),
        "uuid" => Of(CqlTypeCode.Uuid),
        "text" or "varchar" => Of(CqlTypeCode.Varchar),
        "varint" => Of(CqlTypeCode.Varint),
        "timeuuid" => Of(CqlTypeCode.Timeuuid),
        "inet" => Of(CqlTypeCode.Inet),
        "date" => Of(CqlTypeCode.Date),
        "time" => Of(CqlTypeCode.Time),
        "smallint" => Of(CqlTypeCode.Smallint),
        "tinyint" => Of(CqlTypeCode.Tinyint),
        _ => null,
    };
}
