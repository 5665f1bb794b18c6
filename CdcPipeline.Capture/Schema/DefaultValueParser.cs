using System.Text.RegularExpressions;
using CdcPipeline.Capture.Json;
using CdcPipeline.Capture.Schema.Types;

namespace CdcPipeline.Capture.Schema;

/// <summary>
/// Debezium's PostgresDefaultValueConverter: the default of a column's schema from its default expression
/// (<c>pg_get_expr(adbin)</c>), as JSON, or null when Debezium gives the column no default.
/// </summary>
/// <remarks>
/// A generated default (a function call such as <c>now()</c> or <c>nextval(…)</c>, or CURRENT_TIMESTAMP and its kin)
/// becomes the type's placeholder (<c>1970-01-01</c>, <c>0</c>, the zero uuid, …); a cast literal
/// (<c>'abc'::character varying</c>) is taken from inside its first pair of quotes; a bare value (<c>false</c>,
/// <c>12.5</c>) as it is; <c>NULL::type</c> gives none. A value Debezium's parser would reject gives none too. The
/// JsonConverter then writes that default both in the schema and, for a null value, in the payload.
/// </remarks>
internal static partial class DefaultValueParser
{
    private static readonly HashSet<string> CurrentDateTimes =
        new(["current_timestamp", "current_time", "current_date", "localtime", "localtimestamp"], StringComparer.Ordinal);

    public static byte[]? Parse(ColumnType type, string? expression)
    {
        if (expression is null || type.GeneratedDefaultPlaceholder is not { } placeholder)
        {
            return null;
        }

        var literal = Extract(type is TextType or JsonType ? expression : expression.Trim(), placeholder);
        if (literal is null)
        {
            return null;
        }

        using var json = new JsonBuffer(256);
        return type.TryWriteLiteral(json, literal) ? json.ToArray() : null;
    }

    private static string? Extract(string expression, string placeholder)
    {
        if (FunctionCall().IsMatch(expression) || CurrentDateTimes.Contains(expression.ToLowerInvariant()))
        {
            return placeholder;
        }

        if (!expression.Contains('\'', StringComparison.Ordinal))
        {
            return expression.StartsWith("NULL::", StringComparison.Ordinal) ? null : expression;
        }

        return QuotedLiteral().Match(expression) is { Success: true } match ? match.Groups[1].Value : null;
    }

    [GeneratedRegex(@"^[(]?[A-Za-z0-9_.]+\((?:.+(?:, ?.+)*)?\)")]
    private static partial Regex FunctionCall();

    [GeneratedRegex("'(.*?)'")]
    private static partial Regex QuotedLiteral();
}
