using System.Buffers;

namespace CdcPipeline.Capture.Json;

/// <summary>
/// Jackson 2's string escaping, which Kafka's JsonConverter uses for every string it writes.
/// </summary>
/// <remarks>
/// Jackson escapes only <c>"</c>, <c>\</c> and the control characters U+0000–U+001F: the five with a short form as
/// <c>\b \t \n \f \r</c>, the others as <c>\u00XX</c> with upper-case hex. Nothing else is escaped — not <c>/</c>, not
/// DEL, not U+2028/U+2029, not non-ASCII (written as raw UTF-8). System.Text.Json's encoders escape far more, which is
/// why the capture writes its JSON by hand. Every byte that needs escaping is ASCII, so escaping works on UTF-8 bytes.
/// </remarks>
internal static class JacksonEscaping
{
    private static readonly byte[] Hex = "0123456789ABCDEF"u8.ToArray();

    public static readonly SearchValues<byte> NeedsEscape = SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Select(b => (byte)b), (byte)'"', (byte)'\\']);

    /// <summary>Writes the escape sequence of <paramref name="value"/> (one that needs escaping); returns its length.</summary>
    public static int Escape(byte value, Span<byte> destination)
    {
        destination[0] = (byte)'\\';
        byte shortForm = value switch
        {
            (byte)'"' => (byte)'"',
            (byte)'\\' => (byte)'\\',
            0x08 => (byte)'b',
            0x09 => (byte)'t',
            0x0A => (byte)'n',
            0x0C => (byte)'f',
            0x0D => (byte)'r',
            _ => 0,
        };
        if (shortForm != 0)
        {
            destination[1] = shortForm;
            return 2;
        }

        destination[1] = (byte)'u';
        destination[2] = (byte)'0';
        destination[3] = (byte)'0';
        destination[4] = Hex[value >> 4];
        destination[5] = Hex[value & 0xF];
        return 6;
    }
}
