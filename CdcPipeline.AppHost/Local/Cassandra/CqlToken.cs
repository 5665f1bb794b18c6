namespace CdcPipeline.AppHost.Local.Cassandra;

internal enum CqlTokenKind
{
    Identifier,
    QuotedIdentifier,
    String,
    Integer,
    Float,
    Uuid,
    Blob,
    BindMarker,
    Symbol,
    End,
}

/// <summary>A lexical token of CQL; unquoted identifiers are folded to lower case as Cassandra does.</summary>
internal sealed record CqlToken(CqlTokenKind Kind, string Text, int Line, int Column)
{
    public bool IsKeyword(string keyword) => Kind == CqlTokenKind.Identifier && string.Equals(Text, keyword, StringComparison.OrdinalIgnoreCase);

    public bool IsSymbol(string symbol) => Kind == CqlTokenKind.Symbol && Text == symbol;

    public string Display => Kind switch
    {
        CqlTokenKind.End => "<EOF>",
        CqlTokenKind.String => $"'{Text}'",
        _ => Text,
    };
}
