using System.Text.Encodings.Web;

namespace CdcPipeline.Events;

/// <summary>
/// Escapes strings exactly as Go's <c>encoding/json</c> does: <c>\"</c>, <c>\\</c>, <c>\b \f \n \r \t</c>, other
/// control characters as <c>\u00xx</c>, <c>&lt; &gt; &amp;</c> as <c>\u003c \u003e \u0026</c>, U+2028 and U+2029 as
/// <c>\u2028 \u2029</c>, lower-case hex; everything else (<c>'</c>, <c>+</c>, non-ASCII) is written as raw UTF-8.
/// </summary>
internal sealed class GoJsonEncoder : JavaScriptEncoder
{
    public static GoJsonEncoder Instance { get; } = new();

    private GoJsonEncoder()
    {
    }

    public override int MaxOutputCharactersPerInputCharacter => 6;

    public override bool WillEncode(int unicodeScalar) =>
        unicodeScalar is < 0x20 or '"' or '\\' or '<' or '>' or '&' or 0x2028 or 0x2029;

    public override unsafe int FindFirstCharacterToEncode(char* text, int textLength)
    {
        for (var i = 0; i < textLength; i++)
        {
            if (WillEncode(text[i]))
            {
                return i;
            }
        }

        return -1;
    }

    public override unsafe bool TryEncodeUnicodeScalar(int unicodeScalar, char* buffer, int bufferLength, out int numberOfCharactersWritten)
    {
        var escape = Escape(unicodeScalar);
        if (escape is null)
        {
            if (bufferLength < 1 || unicodeScalar > char.MaxValue)
            {
                return Encoded(unicodeScalar, buffer, bufferLength, out numberOfCharactersWritten);
            }

            buffer[0] = (char)unicodeScalar;
            numberOfCharactersWritten = 1;
            return true;
        }

        if (bufferLength < escape.Length)
        {
            numberOfCharactersWritten = 0;
            return false;
        }

        for (var i = 0; i < escape.Length; i++)
        {
            buffer[i] = escape[i];
        }

        numberOfCharactersWritten = escape.Length;
        return true;
    }

    private static unsafe bool Encoded(int unicodeScalar, char* buffer, int bufferLength, out int numberOfCharactersWritten)
    {
        // A supplementary character is not escaped: written as its surrogate pair.
        var text = char.ConvertFromUtf32(unicodeScalar);
        if (bufferLength < text.Length)
        {
            numberOfCharactersWritten = 0;
            return false;
        }

        for (var i = 0; i < text.Length; i++)
        {
            buffer[i] = text[i];
        }

        numberOfCharactersWritten = text.Length;
        return true;
    }

    private static string? Escape(int unicodeScalar) => unicodeScalar switch
    {
        '"' => "\\\"",
        '\\' => "\\\\",
        '\b' => "\\b",
        '\f' => "\\f",
        '\n' => "\\n",
        '\r' => "\\r",
        '\t' => "\\t",
        < 0x20 or '<' or '>' or '&' or 0x2028 or 0x2029 => $"\\u{unicodeScalar:x4}",
        _ => null,
    };
}
