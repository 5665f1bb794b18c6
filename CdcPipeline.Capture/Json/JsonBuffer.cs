using System.Buffers;
using System.Buffers.Text;
using System.Runtime.CompilerServices;

namespace CdcPipeline.Capture.Json;

/// <summary>
/// A growable UTF-8 buffer for compact JSON, written the way Kafka's JsonConverter (Jackson 2) writes it: no spaces,
/// strings escaped by <see cref="JacksonEscaping"/>, integers in plain decimal, binary as standard Base64 with padding.
/// The buffer is rented from the shared pool and reused across records; <see cref="ToArray"/> copies out the result.
/// </summary>
internal sealed class JsonBuffer : IDisposable
{
    private byte[] _buffer;
    private int _length;

    public JsonBuffer(int initialCapacity = 8192) => _buffer = ArrayPool<byte>.Shared.Rent(initialCapacity);

    public int Length => _length;

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    public void Clear() => _length = 0;

    public byte[] ToArray() => _buffer.AsSpan(0, _length).ToArray();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteByte(byte value)
    {
        if (_length == _buffer.Length)
        {
            Grow(1);
        }

        _buffer[_length++] = value;
    }

    /// <summary>Bytes that are already JSON (pre-encoded schema fragments, field names, literals).</summary>
    public void WriteRaw(ReadOnlySpan<byte> json)
    {
        Ensure(json.Length);
        json.CopyTo(_buffer.AsSpan(_length));
        _length += json.Length;
    }

    public void WriteNull() => WriteRaw("null"u8);

    public void WriteBoolean(bool value) => WriteRaw(value ? "true"u8 : "false"u8);

    public void WriteInt64(long value)
    {
        Ensure(20);
        Utf8Formatter.TryFormat(value, _buffer.AsSpan(_length), out var written);
        _length += written;
    }

    /// <summary>A JSON string of UTF-8 text, escaped as Jackson does.</summary>
    public void WriteString(ReadOnlySpan<byte> utf8)
    {
        WriteByte((byte)'"');
        WriteEscaped(utf8);
        WriteByte((byte)'"');
    }

    public void WriteString(string text)
    {
        var max = System.Text.Encoding.UTF8.GetMaxByteCount(text.Length);
        if (max <= 512)
        {
            Span<byte> scratch = stackalloc byte[max];
            var count = System.Text.Encoding.UTF8.GetBytes(text, scratch);
            WriteString(scratch[..count]);
        }
        else
        {
            WriteString(System.Text.Encoding.UTF8.GetBytes(text));
        }
    }

    /// <summary>The body of a JSON string (no quotes): the escaped UTF-8 text.</summary>
    public void WriteEscaped(ReadOnlySpan<byte> utf8)
    {
        while (!utf8.IsEmpty)
        {
            var next = utf8.IndexOfAny(JacksonEscaping.NeedsEscape);
            if (next < 0)
            {
                WriteRaw(utf8);
                return;
            }

            WriteRaw(utf8[..next]);
            Ensure(6);
            _length += JacksonEscaping.Escape(utf8[next], _buffer.AsSpan(_length));
            utf8 = utf8[(next + 1)..];
        }
    }

    /// <summary>A JSON string holding the standard Base64 (with padding) of <paramref name="bytes"/>, as Jackson writes binary.</summary>
    public void WriteBase64String(ReadOnlySpan<byte> bytes)
    {
        WriteByte((byte)'"');
        var encodedLength = Base64.GetMaxEncodedToUtf8Length(bytes.Length);
        Ensure(encodedLength);
        Base64.EncodeToUtf8(bytes, _buffer.AsSpan(_length), out _, out var written);
        _length += written;
        WriteByte((byte)'"');
    }

    /// <summary>Room for <paramref name="count"/> more bytes, to be filled through <see cref="Advance"/>.</summary>
    public Span<byte> GetSpan(int count)
    {
        Ensure(count);
        return _buffer.AsSpan(_length);
    }

    public void Advance(int count) => _length += count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Ensure(int count)
    {
        if (_buffer.Length - _length < count)
        {
            Grow(count);
        }
    }

    private void Grow(int count)
    {
        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + count));
        _buffer.AsSpan(0, _length).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
        _length = 0;
    }
}
