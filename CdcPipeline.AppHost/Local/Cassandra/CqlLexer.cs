using System.Text;
using System.Text.RegularExpressions;

namespace CdcPipeline.AppHost.Local.Cassandra;

/// <summary>Splits CQL text into tokens: identifiers, 'strings', "quoted names", numbers, uuids, 0x blobs, ? markers, symbols.</summary>
internal static partial class CqlLexer
{
    public static List<CqlToken> Tokenize(string text)
    {
        var tokens = new List<CqlToken>();
        var i = 0;
        var line = 1;
        var lineStart = 0;
        while (true)
        {
            while (i < text.Length && (char.IsWhiteSpace(text[i]) || IsCommentStart(text, i)))
            {
                if (text[i] == '\n')
                {
                    line++;
                    lineStart = i + 1;
                }

                if (IsCommentStart(text, i))
                {
                    i = SkipComment(text, i);
                }
                else
                {
                    i++;
                }
            }

            var column = i - lineStart;
            if (i >= text.Length)
            {
                tokens.Add(new CqlToken(CqlTokenKind.End, string.Empty, line, column));
                return tokens;
            }

            var c = text[i];
            if (c == '\'' || c == '"')
            {
                var (value, next) = ReadQuoted(text, i, c, line, column);
                tokens.Add(new CqlToken(c == '\'' ? CqlTokenKind.String : CqlTokenKind.QuotedIdentifier, value, line, column));
                i = next;
                continue;
            }

            var uuid = UuidPattern().Match(text, i);
            if (uuid.Success && uuid.Index == i && !IsIdentifierChar(text, i + uuid.Length))
            {
                tokens.Add(new CqlToken(CqlTokenKind.Uuid, uuid.Value, line, column));
                i += uuid.Length;
                continue;
            }

            if (c == '0' && i + 1 < text.Length && (text[i + 1] == 'x' || text[i + 1] == 'X'))
            {
                var end = i + 2;
                while (end < text.Length && char.IsAsciiHexDigit(text[end]))
                {
                    end++;
                }

                tokens.Add(new CqlToken(CqlTokenKind.Blob, text[(i + 2)..end], line, column));
                i = end;
                continue;
            }

            var number = NumberPattern().Match(text, i);
            if ((char.IsAsciiDigit(c) || (c == '-' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1]))) && number.Success && number.Index == i)
            {
                var isFloat = number.Value.Contains('.', StringComparison.Ordinal) || number.Value.Contains('e', StringComparison.OrdinalIgnoreCase);
                tokens.Add(new CqlToken(isFloat ? CqlTokenKind.Float : CqlTokenKind.Integer, number.Value, line, column));
                i += number.Length;
                continue;
            }

            if (char.IsAsciiLetter(c))
            {
                var end = i;
                while (IsIdentifierChar(text, end))
                {
                    end++;
                }

                tokens.Add(new CqlToken(CqlTokenKind.Identifier, text[i..end].ToLowerInvariant(), line, column));
                i = end;
                continue;
            }

            if (c == '?')
            {
                tokens.Add(new CqlToken(CqlTokenKind.BindMarker, "?", line, column));
                i++;
                continue;
            }

            if ("(),;=.*{}:<>[]+-".Contains(c, StringComparison.Ordinal))
            {
                tokens.Add(new CqlToken(CqlTokenKind.Symbol, c.ToString(), line, column));
                i++;
                continue;
            }

            throw CqlServerException.Syntax($"line {line}:{column} no viable alternative at character '{c}'");
        }
    }

    private static bool IsIdentifierChar(string text, int index) =>
        index < text.Length && (char.IsAsciiLetterOrDigit(text[index]) || text[index] == '_');

    private static bool IsCommentStart(string text, int i) =>
        i + 1 < text.Length && ((text[i] == '-' && text[i + 1] == '-') || (text[i] == '/' && (text[i + 1] == '/' || text[i + 1] == '*')));

    private static int SkipComment(string text, int i)
    {
        if (text[i + 1] == '*')
        {
            var end = text.IndexOf("*/", i + 2, StringComparison.Ordinal);
            return end < 0 ? text.Length : end + 2;
        }

        var newline = text.IndexOf('\n', i);
        return newline < 0 ? text.Length : newline;
    }

    private static (string Value, int Next) ReadQuoted(string text, int start, char quote, int line, int column)
    {
        var builder = new StringBuilder();
        var i = start + 1;
        while (i < text.Length)
        {
            if (text[i] == quote)
            {
                if (i + 1 < text.Length && text[i + 1] == quote)
                {
                    builder.Append(quote);
                    i += 2;
                    continue;
                }

                return (builder.ToString(), i + 1);
            }

            builder.Append(text[i]);
            i++;
        }

        throw CqlServerException.Syntax($"line {line}:{column} unterminated {(quote == '\'' ? "string literal" : "quoted identifier")}");
    }

    [GeneratedRegex(@"\G[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")]
    private static partial Regex UuidPattern();

    [GeneratedRegex(@"\G-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?")]
    private static partial Regex NumberPattern();
}
